package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradMode;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DistributedEvalJob} on {@code local[2]} against a single-process evaluation of the same checkpoint. */
@IntegrationTest
class DistributedEvalJobTest {

    @TempDir
    static Path dir;

    private static final FileStore STORE = HadoopFileStore.local();
    private static SparkSession spark;
    private static String targetRoot;
    private static CheckpointLocation checkpoint;

    @BeforeAll
    static void setUp() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("DistributedEvalJobTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        targetRoot = TinyRuns.writeBenchmark(STORE, dir.resolve("synthetic").toString());
        String run = dir.resolve("run").toString();
        TinyRuns.writeCheckpoint(STORE, run, 8, true);
        checkpoint = CheckpointLocation.resolve(STORE, run);
    }

    @AfterAll
    static void stop() {
        ExecutorModels.shared().clear();
        spark.stop();
    }

    private static CheckpointInference request(String root, String split, BadSamplePolicy policy) {
        return new CheckpointInference(checkpoint, CheckpointWeights.STUDENT, TinyRuns.SPEC, null,
                DatasetKind.CITYSCAPES, root, split, policy, 2);
    }

    @Test
    void run_twoPartitions_equalsSingleProcessEvaluationExactly() throws IOException {
        // the 4 train images, so that both partitions hold two
        DistributedEvalJob.Result result = DistributedEvalJob.run(spark, STORE,
                request(targetRoot, "train", BadSamplePolicy.FAIL));
        ConfusionMatrix expected = new ConfusionMatrix();
        List<SampleRef> refs = DatasetKind.CITYSCAPES.reader().index(STORE, targetRoot, "train");
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationModel student = ExecutorModels.loadCheckpoint(
                    ModelKey.of(checkpoint.checkpoint(), CheckpointWeights.STUDENT, TinyRuns.SPEC), STORE, manager);
            SegmentationEvaluator evaluator = new SegmentationEvaluator(null);
            for (SampleRef ref : refs) {
                evaluator.accumulate(student, manager, DatasetKind.CITYSCAPES.reader().read(STORE, ref), expected);
            }
        }
        assertArrayEquals(expected.toLongArray(), result.matrix().toLongArray());
        assertEquals(EvalResult.of(8, 4, expected), result.eval());
        assertEquals(4L * 128 * 64, result.matrix().totalPixels() + countIgnored(refs));
        assertEquals(0, result.skippedImages());
    }

    private static long countIgnored(List<SampleRef> refs) throws IOException {
        long ignored = 0;
        for (SampleRef ref : refs) {
            ignored += DatasetKind.CITYSCAPES.reader().read(STORE, ref).trainIds().histogram()[255];
        }
        return ignored;
    }

    @Test
    void run_corruptImage_failsNamingItOrIsSkippedByPolicy() throws IOException {
        Path copy = dir.resolve("corrupt");
        copyTree(Path.of(targetRoot), copy);
        Path broken;
        try (var files = Files.walk(copy.resolve("leftImg8bit/val"))) {
            broken = files.filter(p -> p.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        Files.writeString(broken, "not a png");

        IOException e = assertThrows(IOException.class,
                () -> DistributedEvalJob.run(spark, STORE, request(copy.toString(), "val", BadSamplePolicy.FAIL)));
        assertTrue(e.getMessage().contains(broken.getFileName().toString()), e.getMessage());

        DistributedEvalJob.Result skipped = DistributedEvalJob.run(spark, STORE,
                request(copy.toString(), "val", BadSamplePolicy.SKIP));
        assertEquals(1, skipped.skippedImages());
        assertEquals(1, skipped.eval().numImages());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
