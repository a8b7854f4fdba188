package dev.cluda.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.train.TinyExperiment;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SyntheticDatasets#ensure} on the tiny benchmark of {@link TinyExperiment}, shrunk to 64x32 images. */
class SyntheticDatasetsTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    private CludaConfig config(Path bench, String... extra) {
        List<String> overrides = new ArrayList<>(List.of("synth.width=64", "synth.height=32"));
        overrides.addAll(List.of(extra));
        return TinyExperiment.config(bench, overrides.toArray(String[]::new));
    }

    /** A statistics file of an earlier benchmark in {@code root}. */
    private static Path staleStatistics(Path root) throws IOException {
        Path file = root.resolve(ClassStatisticsFiles.SAMPLE_CLASS_STATS);
        Files.writeString(file, "[]");
        return file;
    }

    @Test
    void ensure_sameSpec_keepsTheBenchmarkAndItsStatistics() throws IOException {
        Path bench = dir.resolve("synthetic");
        CludaConfig config = config(bench);
        List<String> first = new ArrayList<>();
        SyntheticDatasets.ensure(config, config.data().source(), store, first::add);
        assertEquals(List.of("generating the synthetic benchmark in " + bench), first);
        Path stats = staleStatistics(bench.resolve(SyntheticBenchmarkWriter.SOURCE_DIR));

        List<String> again = new ArrayList<>();
        SyntheticDatasets.ensure(config, config.data().source(), store, again::add);
        SyntheticDatasets.ensure(config, config.data().target(), store, again::add);
        assertEquals(List.of(), again);
        assertTrue(Files.exists(stats), "statistics of the benchmark in place must stay");
    }

    @Test
    void ensure_differentSpec_regeneratesAndDeletesStaleStatistics() throws IOException {
        Path bench = dir.resolve("synthetic");
        CludaConfig config = config(bench);
        SyntheticDatasets.ensure(config, config.data().source(), store, message -> { });
        Path sourceStats = staleStatistics(bench.resolve(SyntheticBenchmarkWriter.SOURCE_DIR));
        Path targetStats = staleStatistics(bench.resolve(SyntheticBenchmarkWriter.TARGET_DIR));
        Path counts = bench.resolve(SyntheticBenchmarkWriter.SOURCE_DIR).resolve(ClassStatisticsFiles.COUNTS_TABLE);
        Files.createDirectories(counts);
        Files.writeString(counts.resolve("part-00000.parquet"), "stale");

        CludaConfig reseeded = config(bench, "synth.seed=7");
        List<String> log = new ArrayList<>();
        SyntheticDatasets.ensure(reseeded, reseeded.data().source(), store, log::add);
        assertEquals(List.of("generating the synthetic benchmark in " + bench), log);
        assertFalse(Files.exists(sourceStats), "statistics of the earlier benchmark must go");
        assertFalse(Files.exists(targetStats), "statistics of the earlier benchmark must go");
        assertFalse(Files.exists(counts), "statistics of the earlier benchmark must go");
        assertTrue(SyntheticBenchmarkWriter.matches(reseeded.synth(), store, bench.toString()));
    }

    @Test
    void ensure_notSynthetic_doesNothing() throws IOException {
        Path root = dir.resolve("gta5");
        CludaConfig config = config(dir.resolve("synthetic"), "data.source.type=gta5", "data.source.root=" + root);
        List<String> log = new ArrayList<>();
        SyntheticDatasets.ensure(config, config.data().source(), store, log::add);
        assertEquals(List.of(), log);
        assertFalse(Files.exists(root));
    }
}
