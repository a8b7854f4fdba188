package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks as two barrier tasks of {@code local[2,4]} in this JVM, on the tiny synthetic
 * experiment of TrainCommandTest (MiT-B0, 16-wide head, 64×64 crops, 4 iterations, checkpoints
 * every 2): run A uninterrupted; run B with rank 1 failing before iteration 3 on the first stage
 * attempt, so the stage is retried and resumes from the checkpoint at 2. Both runs are made once
 * for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class DistributedTrainJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private SparkSession spark;
    private Path runA;
    private Path runB;
    private DistributedTrainJob.Result resultA;
    private DistributedTrainJob.Result resultB;

    /** The repository root's conf/synthetic.conf. */
    static Path syntheticConf() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/synthetic.conf"))) {
                return p.resolve("conf/synthetic.conf");
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf above " + Path.of("").toAbsolutePath());
    }

    private static CludaConfig config(String... extra) {
        String root = dir.resolve("synthetic").toString();
        List<String> o = new ArrayList<>(List.of(
                "synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + root, "data.target.root=" + root,
                "model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                "train.iters=4", "train.warmupIters=2", "train.logInterval=2", "train.checkpointInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000",
                "distributed.ranks=2", "distributed.checkInterval=1", "distributed.timeoutSeconds=120"));
        o.addAll(List.of(extra));
        return CludaConfig.from(ConfigLoader.load(syntheticConf().toFile(), o));
    }

    @BeforeAll
    void trainBothRuns() {
        spark = SparkSession.builder().master(DistributedTrainJob.localMaster(2)).appName("cluda-distributed-test")
                .config("spark.ui.enabled", "false").config(DistributedTrainJob.MAX_CONCURRENT_CHECK, "1")
                .getOrCreate();
        runA = dir.resolve("a");
        runB = dir.resolve("b");
        resultA = DistributedTrainJob.run(spark, config(), runA.toString(), false);
        resultB = DistributedTrainJob.run(spark, config("debug.failAtIteration=3", "debug.failRank=1"),
                runB.toString(), false);
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void run_twoRanks_writesTheRunDirectoryOnceInOneAttempt() throws IOException {
        assertEquals(1, resultA.attempts());
        assertEquals(List.of(0, 1), resultA.ranks().stream().map(RankSummary::rank).toList());
        for (RankSummary r : resultA.ranks()) {
            assertEquals(0, r.attempt());
            assertEquals(0, r.resumedFrom());
            assertEquals(4, r.iterations());
            assertEquals("cpu()", r.device());
            assertEquals("driver", r.executor(), "local[2,4]: both ranks in this JVM");
            assertEquals(4, r.replicaChecks(), "checkInterval 1: checked after each of 4 iterations");
        }
        assertTrue(Files.isRegularFile(runA.resolve("config.conf")));
        assertEquals(2, CludaConfig.from(ConfigLoader.load(runA.resolve("config.conf").toFile(), List.of())).ranks());
        List<String> lines = Files.readAllLines(runA.resolve("metrics.jsonl"));
        assertEquals(2, lines.size()); // iterations 1 and 3, written by rank 0 only
        assertEquals(3, JSON.readTree(lines.get(1)).get("iter").asInt());
        JsonNode eval = JSON.readTree(runA.resolve("eval.json").toFile());
        assertEquals(4, eval.get("iter").asInt());
        assertEquals(2, eval.get("num_images").asInt()); // one validation image per rank, summed
        // every rank got the all-reduced confusion matrix: the same mIoU as rank 0's eval.json
        for (RankSummary r : resultA.ranks()) {
            assertEquals(eval.get("mIoU").asDouble(), r.mIoU(), 1e-9);
        }
        assertEquals("iter_00000004.ckpt", Files.readString(runA.resolve("checkpoints/latest")).trim());
        assertTrue(Files.isRegularFile(runA.resolve("checkpoints/iter_00000002.ckpt")));
    }

    @Test
    void run_rankFailsOnce_stageRetriedFromCheckpointBitIdentical() throws IOException {
        assertEquals(2, resultB.attempts());
        for (RankSummary r : resultB.ranks()) {
            assertEquals(1, r.attempt());
            assertEquals(2, r.resumedFrom(), "every rank resumes from the checkpoint at iteration 2");
            assertEquals(2, r.replicaChecks());
        }
        Map<String, byte[]> a = parts(runA.resolve("checkpoints/iter_00000004.ckpt"));
        Map<String, byte[]> b = parts(runB.resolve("checkpoints/iter_00000004.ckpt"));
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.containsKey("student.ndlist") && a.containsKey("teacher.ndlist"), a.keySet().toString());
        for (String part : a.keySet()) {
            assertArrayEquals(a.get(part), b.get(part), part + " differs from the uninterrupted run");
        }
        assertEquals(Files.readString(runA.resolve("eval.json")), Files.readString(runB.resolve("eval.json")));
    }

    @Test
    void run_oneRank_refused() {
        CludaConfig one = config("distributed.ranks=1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DistributedTrainJob.run(spark, one, dir.resolve("c").toString(), false));
        assertTrue(e.getMessage().contains("distributed.ranks = 1"), e.getMessage());
    }

    /** The entries of a checkpoint zip by name (entry timestamps differ between runs, contents must not). */
    private static Map<String, byte[]> parts(Path checkpoint) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (InputStream in = HadoopFileStore.local().open(checkpoint.toString());
             ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), zip.readAllBytes());
            }
        }
        return out;
    }
}
