package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.RgbImage;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.ExecutorModels;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradMode;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.synth.SynthSpec;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.testing.IntegrationTest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluda predict} end to end on {@code local[2]}: a run directory holding the shrunk
 * {@code conf/synthetic.conf} (MiT-B0 with a 16-wide head) and an untrained checkpoint whose student
 * and teacher come from different seeds, so the test recomputes either network's prediction from
 * its seed without the checkpoint; inputs are the two 128x64 target-val images of a synthetic
 * benchmark, copies of them as JPEG, and bad inputs.
 */
@IntegrationTest
class PredictCommandTest {

    @TempDir
    static Path dir;

    private static final FileStore STORE = HadoopFileStore.local();
    private static final long STUDENT_SEED = 11;
    private static final long TEACHER_SEED = 22;
    private static SparkSession spark;
    private static CludaConfig config;
    private static Path run;
    private static Path cityscapes;
    private static List<Path> valImages;
    private static Path predicted;
    private static CliRunner.Result folderRun;

    @BeforeAll
    static void writeRunAndPredictTheValFolder() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("PredictCommandTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        Path data = dir.resolve("synthetic");
        SyntheticBenchmarkWriter.write(new SynthSpec(3, 1, 1, 2, 128, 64, 1.0), STORE, data.toString());
        cityscapes = data.resolve(SyntheticBenchmarkWriter.TARGET_DIR);
        try (Stream<Path> files = Files.walk(cityscapes.resolve("leftImg8bit/val"))) {
            valImages = files.filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(2, valImages.size());
        run = dir.resolve("run");
        config = CludaConfig.from(ConfigLoader.load(TinyTrain.syntheticConf().toFile(), TinyTrain.overrides(dir)));
        Files.createDirectories(run);
        Files.writeString(run.resolve("config.conf"), config.render(), StandardCharsets.UTF_8);
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDList> parts = new LinkedHashMap<>();
            parts.put("student", ModelParameters.named(model(STUDENT_SEED, manager)));
            parts.put("teacher", ModelParameters.named(model(TEACHER_SEED, manager)));
            new CheckpointStore(STORE, run.toString(), 10).save(3, parts, Map.of());
        }
        predicted = dir.resolve("predicted");
        folderRun = CliRunner.run("predict", "--checkpoint", run.toString(), "--input",
                cityscapes.resolve("leftImg8bit/val").toString(), "--partitions", "2", "--out", predicted.toString());
    }

    @AfterAll
    static void stop() {
        ExecutorModels.shared().clear();
        spark.stop();
    }

    private static SegmentationModel model(long seed, NDManager manager) {
        return SegmentationModel.createInitialized(config.model().spec(), seed, manager);
    }

    /** The evaluator's prediction of the network drawn from {@code seed}, computed here in one thread. */
    private static LabelMap expected(long seed, RgbImage image) {
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            return new SegmentationEvaluator(config.eval().size()).predict(model(seed, manager), manager, image);
        }
    }

    private static RgbImage readImage(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return PngCodec.readImage(in, file.toString());
        }
    }

    private static LabelMap readLabels(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return PngCodec.readLabel8(in, file.toString());
        }
    }

    private static Path writeJpeg(Path png, Path jpeg) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        rgb.getGraphics().drawImage(image, 0, 0, null);
        Files.createDirectories(jpeg.getParent());
        assertTrue(ImageIO.write(rgb, "jpeg", jpeg.toFile()));
        return jpeg;
    }

    private static String name(Path file) {
        return file.getFileName().toString();
    }

    @Test
    void folder_writesOneTrainIdPngPerImageNamedLikeIt_equalToTheStudentsArgmax() throws IOException {
        assertEquals(0, folderRun.exitCode(), folderRun.out() + folderRun.err());
        assertEquals(1, folderRun.out().lines().count(), folderRun.out());
        assertTrue(folderRun.out().startsWith("predict: 2 images (0 skipped) with the student of iteration 3"),
                folderRun.out());
        try (Stream<Path> files = Files.list(predicted)) {
            assertEquals(Stream.concat(valImages.stream().map(PredictCommandTest::name), Stream.of("overlay"))
                    .sorted().toList(), files.map(PredictCommandTest::name).sorted().toList());
        }
        for (Path image : valImages) {
            LabelMap labels = readLabels(predicted.resolve(name(image)));
            assertEquals(128, labels.width());
            assertEquals(64, labels.height());
        }
        RgbImage image = readImage(valImages.get(1));
        LabelMap student = expected(STUDENT_SEED, image);
        assertFalse(java.util.Arrays.equals(student.ids(), expected(TEACHER_SEED, image).ids()),
                "student and teacher must predict differently for this test to tell them apart");
        assertArrayEquals(student.ids(), readLabels(predicted.resolve(name(valImages.get(1)))).ids());
    }

    @Test
    void predictions_areScoredByEvalPred_exactlyAsEvalCheckpointScoresTheRun() throws IOException {
        Path scored = dir.resolve("eval-pred");
        CliRunner.Result pred = CliRunner.run("eval", "--pred", predicted.toString(), "--dataset", "cityscapes",
                "--root", cityscapes.toString(), "--split", "val", "--out", scored.toString());
        assertEquals(0, pred.exitCode(), pred.out() + pred.err());
        EvalResult fromFiles = EvalJson.read(STORE, scored.resolve("eval.json").toString());
        assertEquals(2, fromFiles.numImages());
        Path direct = dir.resolve("eval-checkpoint");
        CliRunner.Result checkpoint = CliRunner.run("eval", "--checkpoint", run.toString(), "--out", direct.toString());
        assertEquals(0, checkpoint.exitCode(), checkpoint.out() + checkpoint.err());
        EvalResult fromRun = EvalJson.read(STORE, direct.resolve("eval.json").toString());
        assertEquals(new EvalResult(EvalResult.OFFLINE_ITER, fromRun.numImages(), fromRun.classIou(), fromRun.mIoU(),
                fromRun.mIoU16(), fromRun.mIoU13(), fromRun.pixelAccuracy()), fromFiles);
    }

    @Test
    void overlay_isTheImageBlendedWithThePaletteAboveALegendOfThePresentClasses() throws IOException {
        Path image = valImages.get(0);
        BufferedImage overlay = ImageIO.read(predicted.resolve("overlay").resolve(name(image)).toFile());
        assertEquals(128, overlay.getWidth());
        assertTrue(overlay.getHeight() > 64, "a legend strip below the image: " + overlay.getHeight());
        LabelMap labels = readLabels(predicted.resolve(name(image)));
        RgbImage original = readImage(image);
        int classColour = CityscapesClass.ofTrainId(labels.get(5, 7)).rgb();
        int blended = overlay.getRGB(5, 7) & 0xFFFFFF;
        for (int channel = 0; channel < 3; channel++) {
            int shift = 16 - 8 * channel;
            assertEquals((original.get(5, 7, channel) + ((classColour >> shift) & 0xFF) + 1) / 2,
                    (blended >> shift) & 0xFF, "channel " + channel);
        }
        // the first legend entry's swatch (3 pixels in, 3 below the image) has the most frequent class's colour
        long[] counts = labels.histogram();
        int top = 0;
        for (int id = 1; id < CityscapesClass.COUNT; id++) {
            top = counts[id] > counts[top] ? id : top;
        }
        assertEquals(CityscapesClass.ofTrainId(top).rgb(), overlay.getRGB(6, 64 + 6) & 0xFFFFFF);
    }

    @Test
    void folderUriOfPngAndJpeg_predictsBoth_theJpegAsItsDecodedPixels() throws IOException {
        Path mixed = dir.resolve("mixed");
        Files.createDirectories(mixed.resolve("sub"));
        Files.copy(valImages.get(0), mixed.resolve("a.png"));
        Path jpeg = writeJpeg(valImages.get(1), mixed.resolve("sub/b.jpg"));
        Path out = dir.resolve("mixed-out");
        // as a URI, the way a Hadoop file system names it
        CliRunner.Result r = CliRunner.run("predict", "--checkpoint", run.toString(), "--input",
                mixed.toUri().toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith("predict: 2 images"), r.out());
        assertArrayEquals(readLabels(predicted.resolve(name(valImages.get(0)))).ids(),
                readLabels(out.resolve("a.png")).ids());
        assertArrayEquals(expected(STUDENT_SEED, readImage(jpeg)).ids(), readLabels(out.resolve("b.png")).ids());
        assertTrue(Files.isRegularFile(out.resolve("overlay/b.png")));
    }

    @Test
    void singleJpegWithTeacherWeights_isTheTeachersArgmax() throws IOException {
        Path jpeg = writeJpeg(valImages.get(1), dir.resolve("single/photo.jpeg"));
        Path out = dir.resolve("single-out");
        CliRunner.Result r = CliRunner.run("predict", "--checkpoint", run.toString(), "--weights", "teacher",
                "--input", jpeg.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith("predict: 1 images (0 skipped) with the teacher of iteration 3"), r.out());
        assertArrayEquals(expected(TEACHER_SEED, readImage(jpeg)).ids(), readLabels(out.resolve("photo.png")).ids());
    }

    /** An HRDA checkpoint predicts with the sliding-window inference its evaluation uses (reference §9, §6.3). */
    @Test
    void multiResolutionRun_predictsWithItsSlidingWindowInference() throws IOException {
        CludaConfig hrda = CludaConfig.from(ConfigLoader.load(TinyTrain.syntheticConf().toFile(),
                TinyTrain.overrides(dir, "eval.size=[]", "hrda.enabled=true", "hrda.detailCrop=[32,32]",
                        "hrda.attentionEmbedWidth=16", "hrda.inference.window=[32,32]", "hrda.inference.stride=[32,32]",
                        "hrda.eval.window=[64,64]", "hrda.eval.stride=[32,32]")));
        Path hrdaRun = dir.resolve("hrda-run");
        Files.createDirectories(hrdaRun);
        Files.writeString(hrdaRun.resolve("config.conf"), hrda.render(), StandardCharsets.UTF_8);
        RgbImage image = readImage(valImages.get(0));
        LabelMap slidingWindow;
        LabelMap wholeImage;
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationModel model = SegmentationModel.createInitialized(hrda.model().spec(), STUDENT_SEED, manager);
            new CheckpointStore(STORE, hrdaRun.toString(), 10).save(5, Map.of("student", ModelParameters.named(model)),
                    Map.of());
            slidingWindow = new SegmentationEvaluator(null, hrda.hrda().inference()).predict(model, manager, image);
            wholeImage = new SegmentationEvaluator(null).predict(model, manager, image);
        }
        assertFalse(java.util.Arrays.equals(slidingWindow.ids(), wholeImage.ids()),
                "the two inferences must differ for this test to tell them apart");
        Path out = dir.resolve("hrda-out");
        CliRunner.Result r = CliRunner.run("predict", "--checkpoint", hrdaRun.toString(), "--input",
                valImages.get(0).toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertArrayEquals(slidingWindow.ids(), readLabels(out.resolve(name(valImages.get(0)))).ids());
    }

    @Test
    void noImages_missingInputOrCheckpoint_exitTwoNamingThePath() throws IOException {
        Path empty = dir.resolve("no-images");
        Files.createDirectories(empty);
        Files.writeString(empty.resolve("notes.txt"), "not an image");
        Path out = dir.resolve("no-images-out");
        CliRunner.Result none = CliRunner.run("predict", "--checkpoint", run.toString(), "--input", empty.toString(),
                "--out", out.toString());
        assertEquals(2, none.exitCode(), none.out() + none.err());
        assertTrue(none.err().contains(empty + ": no images found"), none.err());
        assertFalse(Files.exists(out), "nothing is written without images");

        String missing = dir.resolve("no-such-folder").toString();
        CliRunner.Result absent = CliRunner.run("predict", "--checkpoint", run.toString(), "--input", missing,
                "--out", out.toString());
        assertEquals(2, absent.exitCode(), absent.out() + absent.err());
        assertTrue(absent.err().contains(missing), absent.err());

        String noRun = dir.resolve("no-such-run").toString();
        CliRunner.Result checkpoint = CliRunner.run("predict", "--checkpoint", noRun, "--input", empty.toString(),
                "--out", out.toString());
        assertEquals(2, checkpoint.exitCode(), checkpoint.out() + checkpoint.err());
        assertTrue(checkpoint.err().contains(noRun), checkpoint.err());
    }

    @Test
    void unreadableOrOddSizedImage_exitsTwoNamingTheFile() throws IOException {
        Path bad = dir.resolve("bad/broken.png");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, "not a PNG");
        CliRunner.Result r = CliRunner.run("predict", "--checkpoint", run.toString(), "--input", bad.toString(),
                "--out", dir.resolve("bad-out").toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(bad.toString()), r.err());

        // eval.size is unset in conf/synthetic.conf: the network runs at the image's size, 100x64 it cannot
        Path odd = dir.resolve("odd/odd.png");
        Files.createDirectories(odd.getParent());
        Files.write(odd, PngCodec.toBytes(o -> PngCodec.writeRgb(RgbImage.blank(100, 64), o)));
        CliRunner.Result size = CliRunner.run("predict", "--checkpoint", run.toString(), "--input", odd.toString(),
                "--out", dir.resolve("odd-out").toString());
        assertEquals(2, size.exitCode(), size.out() + size.err());
        assertTrue(size.err().contains(odd.toString()) && size.err().contains("eval.size=[96,64]"), size.err());
    }

    @Test
    void existingOutput_isRefusedUnlessOverwrite() throws IOException {
        Path out = dir.resolve("taken");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "earlier output");
        String image = valImages.get(0).toString();
        CliRunner.Result refused = CliRunner.run("predict", "--checkpoint", run.toString(), "--input", image,
                "--out", out.toString());
        assertEquals(2, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("--overwrite"), refused.err());
        assertTrue(Files.exists(out.resolve("keep.txt")));
        CliRunner.Result replaced = CliRunner.run("predict", "--checkpoint", run.toString(), "--input", image,
                "--out", out.toString(), "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.out() + replaced.err());
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertTrue(Files.isRegularFile(out.resolve(name(valImages.get(0)))));

        CliRunner.Result inside = CliRunner.run("predict", "--checkpoint", run.toString(), "--input",
                out.resolve(name(valImages.get(0))).toString(), "--out", out.toString(), "--overwrite");
        assertEquals(2, inside.exitCode(), inside.out() + inside.err());
        assertTrue(inside.err().contains("inside --out"), inside.err());
        CliRunner.Result insideAsUri = CliRunner.run("predict", "--checkpoint", run.toString(), "--input",
                out.toUri().toString(), "--out", out.toString(), "--overwrite");
        assertEquals(2, insideAsUri.exitCode(), insideAsUri.out() + insideAsUri.err());
        assertTrue(Files.isRegularFile(out.resolve(name(valImages.get(0)))), "the input was not deleted");
    }
}
