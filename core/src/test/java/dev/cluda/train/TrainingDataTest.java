package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.CludaConfig;
import dev.cluda.data.Sample;
import dev.cluda.io.LocalFileStore;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    @Test
    void prepare_missingBenchmark_generatesItThenReusesIt() throws IOException {
        Path bench = dir.resolve("synthetic");
        CludaConfig config = TinyExperiment.config(bench);
        List<String> first = new ArrayList<>();
        TrainingData data = TrainingData.prepare(config, store, dir.resolve("run/rcs").toString(), first::add);
        assertTrue(first.contains("data: generating the synthetic benchmark in " + bench), first.toString());
        assertTrue(first.contains("data: 6 source (gta5, " + bench + "/gta5), 4 target train, 2 target val images"),
                first.toString());
        assertEquals(6, data.sampler().sourceSize());
        assertEquals(4, data.sampler().targetSize());
        assertEquals(2, data.evalSamples().size());
        Sample eval = data.readEval(data.evalSamples().get(0)).orElseThrow();
        assertEquals(128, eval.image().width());
        assertEquals(64, eval.trainIds().height());

        Path manifest = bench.resolve(SyntheticBenchmarkWriter.MANIFEST);
        FileTime written = Files.getLastModifiedTime(manifest);
        Files.setLastModifiedTime(manifest, FileTime.fromMillis(written.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(manifest);
        List<String> second = new ArrayList<>();
        TrainingData.prepare(config, store, null, second::add);
        assertFalse(second.stream().anyMatch(m -> m.contains("generating")), second.toString());
        assertEquals(marked, Files.getLastModifiedTime(manifest), "the benchmark was written again");
    }

    @Test
    void prepare_rcsOn_writesComputedStatisticsThenPrefersTheSourceRootFiles() throws IOException {
        Path bench = dir.resolve("synthetic");
        CludaConfig config = TinyExperiment.config(bench);
        Path statsOut = dir.resolve("run/rcs");
        List<String> log = new ArrayList<>();
        TrainingData.prepare(config, store, statsOut.toString(), log::add);
        assertTrue(log.stream().anyMatch(m -> m.startsWith("data: rare-class statistics computed over 6 source images")),
                log.toString());
        assertTrue(Files.isRegularFile(statsOut.resolve(ClassStatisticsFiles.SAMPLE_CLASS_STATS)));

        // as `cluda stats` leaves them: in the source dataset root
        ClassStatisticsFiles.write(store, bench.resolve("gta5").toString(),
                ClassStatisticsFiles.read(store, statsOut.toString()));
        List<String> again = new ArrayList<>();
        TrainingData.prepare(config, store, null, again::add);
        assertTrue(again.contains("data: rare-class statistics from " + bench + "/gta5"), again.toString());
    }

    @Test
    void prepare_udaOff_indexesNoTargetTrainImages() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "uda.enabled=false",
                "contrastive.mixed=false", "uda.rcs.enabled=false");
        TrainingData data = TrainingData.prepare(config, store, null, m -> { });
        assertEquals(0, data.sampler().targetSize());
        assertEquals(2, data.evalSamples().size());
        assertEquals("", data.skippedSummary());
    }

    @Test
    void prepare_targetImagesWithoutLabels_areTrainedOnUnlabelled() throws IOException {
        Path bench = dir.resolve("synthetic");
        CludaConfig config = TinyExperiment.config(bench);
        TrainingData.prepare(config, store, null, m -> { });
        // new camera data has no labels: remove every target-train label file
        try (var files = Files.walk(bench.resolve("cityscapes/gtFine/train"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        TrainingData data = TrainingData.prepare(config, store, null, m -> { });
        assertEquals(4, data.sampler().targetSize());
        var batch = data.sampler().targetBatch(2, new java.util.SplittableRandom(1), new java.util.SplittableRandom(2));
        assertEquals(2, batch.size());
        assertEquals(null, batch.get(0).label());
        assertEquals("", data.skippedSummary());
    }
}
