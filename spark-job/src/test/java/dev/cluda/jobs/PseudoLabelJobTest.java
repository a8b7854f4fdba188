package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradMode;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PseudoLabelJob} on {@code local[2]} over 4 synthetic 128x64 target images with an
 * untrained tiny checkpoint whose teacher differs from its student; the job runs once per class
 * (2 partitions) and the tests check its output against a single-threaded computation.
 */
@IntegrationTest
class PseudoLabelJobTest {

    @TempDir
    static Path dir;

    private static final FileStore STORE = HadoopFileStore.local();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;
    private static String targetRoot;
    private static CheckpointLocation checkpoint;
    private static Path out;
    private static PseudoLabelJob.Result result;
    private static long loadsDuringJob;
    private static ModelKey key;

    @BeforeAll
    static void runJob() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("PseudoLabelJobTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        targetRoot = TinyRuns.writeBenchmark(STORE, dir.resolve("synthetic").toString());
        String run = dir.resolve("run").toString();
        TinyRuns.writeCheckpoint(STORE, run, 6, true);
        checkpoint = CheckpointLocation.resolve(STORE, run);
        out = dir.resolve("pseudo");
        key = ModelKey.of(checkpoint.checkpoint(), CheckpointWeights.TEACHER, TinyRuns.SPEC);
        long before = ExecutorModels.shared().loads();
        result = PseudoLabelJob.run(spark, STORE, new PseudoLabelJob.Request(new CheckpointInference(checkpoint,
                CheckpointWeights.TEACHER, TinyRuns.SPEC, null, DatasetKind.CITYSCAPES, targetRoot, "train",
                BadSamplePolicy.FAIL, 2), 0.968, out.toString()));
        loadsDuringJob = ExecutorModels.shared().loads() - before;
    }

    @AfterAll
    static void stop() {
        ExecutorModels.shared().clear();
        spark.stop();
    }

    private static List<SampleRef> targetImages() throws IOException {
        return DatasetKind.CITYSCAPES.reader().index(STORE, targetRoot, "train");
    }

    private static LabelMap readPng(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return PngCodec.readLabel8(in, file.toString());
        }
    }

    @Test
    void run_twoPartitionsInLocal2_loadTheModelOncePerJvm() {
        assertEquals(1, loadsDuringJob);
        assertTrue(ExecutorModels.shared().holds(key));
    }

    @Test
    void run_writesBothPngsPerImageAtImageSizeWithValidValues() throws IOException {
        List<SampleRef> refs = targetImages();
        assertEquals(4, refs.size());
        for (SampleRef ref : refs) {
            LabelMap labels = readPng(out.resolve(ref.id() + "_pseudo.png"));
            LabelMap conf = readPng(out.resolve(ref.id() + "_conf.png"));
            assertEquals(128, labels.width());
            assertEquals(64, labels.height());
            assertEquals(128, conf.width());
            assertEquals(64, conf.height());
            for (int i = 0; i < labels.ids().length; i++) {
                assertTrue((labels.ids()[i] & 0xFF) < CityscapesClass.COUNT, "train id at pixel " + i);
                // the largest of 19 probabilities is at least 1/19: round(255/19) = 13
                int q = conf.ids()[i] & 0xFF;
                assertTrue(q >= 13 && q <= 255, "confidence " + q + " at pixel " + i);
            }
        }
        try (var files = Files.list(out)) {
            assertEquals(4 * 2 + 2, files.count(), "two PNGs per image, summary.json and pseudo_labels.json");
        }
    }

    @Test
    void run_labelsEqualASingleThreadedTeacherAndTheEvaluatorsArgmax() throws IOException {
        SampleRef ref = targetImages().get(1);
        Sample sample = DatasetKind.CITYSCAPES.reader().read(STORE, ref);
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationModel teacher = ExecutorModels.loadCheckpoint(key, STORE, manager);
            PseudoLabel expected = new ImageLabeler(null).label(teacher, manager, sample.image());
            assertArrayEquals(expected.trainIds().ids(), readPng(out.resolve(ref.id() + "_pseudo.png")).ids());
            assertArrayEquals(expected.quantizedConfidence().ids(), readPng(out.resolve(ref.id() + "_conf.png")).ids());
            LabelMap evaluator = new SegmentationEvaluator(null).predict(teacher, manager, sample.image());
            assertArrayEquals(evaluator.ids(), expected.trainIds().ids());
            SegmentationModel student = ExecutorModels.loadCheckpoint(
                    ModelKey.of(checkpoint.checkpoint(), CheckpointWeights.STUDENT, TinyRuns.SPEC), STORE, manager);
            PseudoLabel fromStudent = new ImageLabeler(null).label(student, manager, sample.image());
            assertTrue(!java.util.Arrays.equals(fromStudent.confidence(), expected.confidence()),
                    "the job must use the teacher, not the student");
        }
    }

    @Test
    void run_summaryEqualsStatisticsComputedSingleThreaded() throws IOException {
        PseudoLabelStats expected = new PseudoLabelStats(19, 0.968);
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationModel teacher = ExecutorModels.loadCheckpoint(key, STORE, manager);
            for (SampleRef ref : targetImages()) {
                Sample sample = DatasetKind.CITYSCAPES.reader().read(STORE, ref);
                expected.add(new ImageLabeler(null).label(teacher, manager, sample.image()), sample.trainIds());
            }
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(1, summary.get("format_version").asInt());
        assertEquals(4, summary.get("images").asLong());
        assertEquals(0, summary.get("skipped_images").asLong());
        assertEquals(4L * 128 * 64, summary.get("pixels").asLong());
        assertEquals(0.968, summary.get("threshold").asDouble());
        assertEquals(expected.meanConfidence(), summary.get("mean_confidence").asDouble(), 0.0);
        assertEquals(expected.fractionAboveThreshold(), summary.get("fraction_above_threshold").asDouble(), 0.0);
        JsonNode classes = summary.get("classes");
        assertEquals(19, classes.size());
        double shares = 0;
        long pixels = 0;
        for (CityscapesClass c : CityscapesClass.values()) {
            JsonNode one = classes.get(c.displayName());
            assertEquals(expected.pixels(c.trainId()), one.get("pixels").asLong(), c.displayName());
            shares += one.get("share").asDouble();
            pixels += one.get("pixels").asLong();
            if (expected.pixels(c.trainId()) == 0) {
                assertTrue(one.get("mean_confidence").isNull(), c.displayName());
            } else {
                assertEquals(expected.meanConfidence(c.trainId()), one.get("mean_confidence").asDouble(), 0.0);
            }
        }
        assertEquals(1.0, shares, 1e-12);
        assertEquals(4L * 128 * 64, pixels);
        JsonNode gt = summary.get("ground_truth");
        assertEquals(4, gt.get("num_images").asInt());
        assertEquals(6, gt.get("iter").asInt());
        assertEquals(100 * expected.confusion().meanIou(), gt.get("mIoU").asDouble(), 1e-9);
        ConfusionMatrix jobMatrix = result.stats().confusion();
        assertEquals(expected.confusion(), jobMatrix, "summed per-partition confusion equals one accumulator");
    }

    @Test
    void run_unlabelledTargetImages_arePseudoLabelledToo() throws IOException {
        // new camera data has no labels: drop one image's label file and label a copy of the target
        Path copy = dir.resolve("unlabelled");
        copyTree(Path.of(targetRoot), copy);
        SampleRef first = targetImages().get(0);
        Path label = copy.resolve(Path.of(targetRoot).relativize(Path.of(first.labelPath())));
        Files.delete(label);
        Path unlabelledOut = dir.resolve("pseudo-unlabelled");
        PseudoLabelJob.Result r = PseudoLabelJob.run(spark, STORE, new PseudoLabelJob.Request(
                new CheckpointInference(checkpoint, CheckpointWeights.TEACHER, TinyRuns.SPEC, null,
                        DatasetKind.CITYSCAPES, copy.toString(), "train", BadSamplePolicy.FAIL, 2),
                0.968, unlabelledOut.toString()));
        assertEquals(targetImages().size(), r.stats().images());
        assertTrue(Files.exists(unlabelledOut.resolve(first.id() + "_pseudo.png")));
        assertTrue(Files.exists(unlabelledOut.resolve(first.id() + "_conf.png")));
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

    @Test
    void run_manifestDescribesTheOutputAndReadsBack() throws IOException {
        PseudoLabelManifest m = PseudoLabelManifest.read(STORE, out.toString());
        assertEquals(result.manifest(), m);
        assertEquals(checkpoint.checkpoint(), m.checkpoint());
        assertEquals(6, m.iteration());
        assertEquals("teacher", m.weights());
        assertEquals(0.968, m.threshold());
        assertEquals("cityscapes", m.datasetType());
        assertEquals(targetRoot, m.datasetRoot());
        assertEquals("train", m.split());
        assertEquals(4, m.images());
        assertEquals(0, m.inferenceWidth());
    }
}
