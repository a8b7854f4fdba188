package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.CludaConfig;
import dev.cluda.data.BadSampleException;
import dev.cluda.io.LocalFileStore;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.transform.TransformedSample;
import dev.cluda.uda.ClassStatisticsFiles;
import dev.cluda.uda.RareClassSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches drawn from the tiny synthetic benchmark (generated once for the class). */
class UdaDataSamplerTest {

    @TempDir
    static Path dir;

    private static final LocalFileStore STORE = new LocalFileStore();

    @BeforeAll
    static void writeBenchmark() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"));
        SyntheticBenchmarkWriter.write(config.synth(), STORE, dir.resolve("synthetic").toString());
    }

    private static TrainingData prepare(Path bench, String statsOut, String... extra) throws IOException {
        return TrainingData.prepare(TinyExperiment.config(bench, extra), STORE, statsOut, m -> { });
    }

    @Test
    void batches_sameRandomStreams_areIdentical() throws IOException {
        UdaDataSampler a = prepare(dir.resolve("synthetic"), null).sampler();
        UdaDataSampler b = prepare(dir.resolve("synthetic"), null).sampler();
        assertSameBatch(a.sourceBatch(2, new SplittableRandom(5), new SplittableRandom(6)),
                b.sourceBatch(2, new SplittableRandom(5), new SplittableRandom(6)));
        assertSameBatch(a.targetBatch(2, new SplittableRandom(7), new SplittableRandom(8)),
                b.targetBatch(2, new SplittableRandom(7), new SplittableRandom(8)));
        // and another crop stream gives another batch
        float[] other = a.sourceBatch(1, new SplittableRandom(5), new SplittableRandom(60)).get(0).image().data();
        float[] same = a.sourceBatch(1, new SplittableRandom(5), new SplittableRandom(6)).get(0).image().data();
        assertFalse(java.util.Arrays.equals(other, same));
    }

    @Test
    void batches_haveCropSize_sourceLabelledAndTargetUnlabelled() throws IOException {
        UdaDataSampler sampler = prepare(dir.resolve("synthetic"), null).sampler();
        List<TransformedSample> source = sampler.sourceBatch(3, new SplittableRandom(1), new SplittableRandom(2));
        List<TransformedSample> target = sampler.targetBatch(3, new SplittableRandom(3), new SplittableRandom(4));
        assertEquals(3, source.size());
        assertEquals(3, target.size());
        for (TransformedSample s : source) {
            assertEquals(64, s.image().width());
            assertEquals(64, s.image().height());
            assertNotNull(s.label());
        }
        for (TransformedSample t : target) {
            assertEquals(64, t.image().width());
            assertNull(t.label(), "target crops must carry no label");
        }
    }

    /**
     * Replays the sampler's class draws (one {@link RareClassSampler#sample} per image from the
     * same sampling stream) and checks each crop holds more than minPixels · minCropRatio = 7.5
     * pixels of its drawn class, which the re-crop rule aims for.
     */
    @Test
    void sourceBatch_rcsOn_cropsShowTheDrawnClass() throws IOException {
        String stats = dir.resolve("rcs-run/rcs").toString();
        TrainingData data = prepare(dir.resolve("synthetic"), stats);
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"));
        RareClassSampler replay = new RareClassSampler(ClassStatisticsFiles.read(STORE, stats),
                config.uda().rcsTemperature(), config.uda().rcsMinPixels());
        int rareDraws = 0;
        for (long seed = 0; seed < 10; seed++) {
            List<TransformedSample> batch = data.sampler().sourceBatch(2, new SplittableRandom(seed),
                    new SplittableRandom(seed + 100));
            SplittableRandom drawStream = new SplittableRandom(seed);
            for (TransformedSample s : batch) {
                int c = replay.sample(drawStream).trainId();
                long pixels = s.label().histogram()[c];
                assertTrue(pixels > 7, "seed " + seed + ": class " + c + " has " + pixels + " pixels in the crop");
                rareDraws += c >= 5 && c <= 7 ? 1 : 0; // pole, traffic light, sign: rare here
            }
        }
        assertTrue(rareDraws > 0, "RCS at T = 0.01 draws the rare classes");
    }

    @Test
    void sourceBatch_badSampleWithSkip_skipsAndCountsIt() throws IOException {
        Path bench = copyOfBenchmark("bad-skip");
        Path broken = corruptFirstSourceImage(bench);
        TrainingData data = prepare(bench, null, "data.onBadSample=skip", "uda.rcs.enabled=false");
        for (long seed = 0; seed < 20 && data.skippedSummary().isEmpty(); seed++) {
            List<TransformedSample> batch = data.sampler().sourceBatch(2, new SplittableRandom(seed),
                    new SplittableRandom(seed));
            assertEquals(2, batch.size(), "a batch is full despite a skip");
        }
        String summary = data.skippedSummary();
        assertTrue(summary.contains("skipped 1 of") && summary.contains(broken.toString()), summary);
    }

    @Test
    void sourceBatch_badSampleWithFail_throwsNamingTheFile() throws IOException {
        Path bench = copyOfBenchmark("bad-fail");
        Path broken = corruptFirstSourceImage(bench);
        TrainingData data = prepare(bench, null, "uda.rcs.enabled=false");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            for (long seed = 0; seed < 20; seed++) {
                data.sampler().sourceBatch(2, new SplittableRandom(seed), new SplittableRandom(seed));
            }
        });
        assertInstanceOf(BadSampleException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(broken.toString()), e.getCause().getMessage());
    }

    private static void assertSameBatch(List<TransformedSample> a, List<TransformedSample> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).image().data(), b.get(i).image().data(), 0f);
            if (a.get(i).label() != null) {
                assertArrayEquals(a.get(i).label().ids(), b.get(i).label().ids());
            }
        }
    }

    private static Path copyOfBenchmark(String name) throws IOException {
        Path from = dir.resolve("synthetic");
        Path to = dir.resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return to;
    }

    /** Overwrites the first source image with bytes that are not a PNG. */
    private static Path corruptFirstSourceImage(Path bench) throws IOException {
        Path image;
        try (Stream<Path> files = Files.walk(bench.resolve(SyntheticBenchmarkWriter.SOURCE_DIR).resolve("images"))) {
            image = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        Files.write(image, new byte[] {1, 2, 3, 4});
        return image;
    }

    @Test
    void prepare_twoRanks_drawFromDisjointShardsThatCoverTheEpoch() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("shards"));
        UdaDataSampler rank0 = TrainingData.prepare(config, STORE, null, 0, 2, m -> { }).sampler();
        UdaDataSampler rank1 = TrainingData.prepare(config, STORE, null, 1, 2, m -> { }).sampler();
        // 4 target images, batch 1, 2 ranks: iterations 0 and 1 are epoch 0, iteration 2 epoch 1
        var a = rank0.targetPool(1, 0);
        var b = rank1.targetPool(1, 0);
        assertEquals(2, a.size());
        assertEquals(2, b.size());
        java.util.Set<String> ids = new java.util.HashSet<>();
        a.forEach(r -> ids.add(r.id()));
        b.forEach(r -> ids.add(r.id()));
        assertEquals(4, ids.size(), "shards are disjoint and cover the target set");
        assertEquals(a, rank0.targetPool(1, 1), "same epoch, same shard");
        assertEquals(4, rank0.targetSize());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainingData.prepare(config, STORE, null, 0, 5, m -> { }));
    }
}
