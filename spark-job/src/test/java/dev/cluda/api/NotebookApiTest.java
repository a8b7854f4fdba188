package dev.cluda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.cli.TinyTrain;
import dev.cluda.data.BadSampleException;
import dev.cluda.error.UserInputException;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.TestSpark;
import dev.cluda.rundir.RunReport;
import dev.cluda.testing.IntegrationTest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls {@code deploy/zeppelin/cluda.zpln} makes, in its order (synth, train, evaluate,
 * predict, report), on a {@code local[2]} session as a notebook holds one, with the tiny run of
 * the CLI tests ({@link TinyTrain}: 6 + 4 + 2 images, 4 iterations); then the errors a notebook
 * user meets, thrown as the project's exceptions, and a data-parallel run on the same session.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotebookApiTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;
    /** The run the first test trains, used by the second. */
    private static TrainResult run;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    @Order(1)
    void theNotesCalls_returnWhatTheRunWrote() throws IOException {
        Path data = dir.resolve("synthetic");
        String[] tiny = TinyTrain.overrides(dir).toArray(String[]::new);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CludaApi cluda = CludaApi.on(spark).overwriting().logTo(log::add);

        SynthResult synth = cluda.synth(data.toString(), tiny);
        assertTrue(synth.generated());
        assertEquals(6 + 4 + 2, synth.images());
        assertTrue(Files.isRegularFile(data.resolve("synth.json")));
        assertFalse(cluda.synth(data.toString(), tiny).generated(), "a rerun finds the benchmark in place");

        run = cluda.train(TinyTrain.syntheticConf().toString(), dir.resolve("run").toString(), tiny);
        assertEquals(4, run.iterations());
        assertEquals(0, run.resumedFrom());
        assertEquals(1, run.ranks());
        assertTrue(run.seconds() > 0);
        EvalResult written = EvalJson.read(HadoopFileStore.local(), dir.resolve("run/eval.json").toString());
        assertEquals(written, run.eval());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("train: iteration 4/4, loss ")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("data: source: 6 samples checked")), log.toString());

        EvalResult eval = cluda.evaluate(run.runDir());
        assertEquals(written.mIoU(), eval.mIoU(), "the checkpoint evaluated on Spark is the run's eval.json");
        assertEquals(written, eval);
        assertTrue(cluda.classTable(eval).contains("road"));

        Path val = data.resolve("cityscapes/leftImg8bit/val");
        PredictResult predicted = cluda.predict(run.runDir(), val.toString(), dir.resolve("predicted").toString());
        assertEquals(2, predicted.images());
        assertEquals(0, predicted.skippedImages());
        assertEquals(2, predicted.predictions().size());
        assertEquals(2, predicted.overlays().size());
        List<String> valImages;
        try (Stream<Path> files = Files.walk(val)) {
            valImages = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(valImages, predicted.predictions().stream().map(f -> local(f).getFileName().toString()).toList());
        for (String file : concat(predicted.predictions(), predicted.overlays())) {
            assertTrue(Files.size(local(file)) > 0, file);
        }
        assertTrue(predicted.overlays().stream().allMatch(f -> local(f).getParent().getFileName().toString()
                .equals("overlay")), predicted.overlays().toString());

        Report report = cluda.report(run.runDir());
        assertEquals(Files.readString(dir.resolve("run/report.html")), report.html());
        assertTrue(report.html().contains("src=\"data:image/png;base64,"));
        List<String> alts = report.images().stream().map(RunReport.InlineImage::alt).toList();
        assertTrue(alts.containsAll(List.of("target mIoU", "image", "ground truth", "prediction", "overlay", "errors")),
                alts.toString());
        String frame = report.iframe(900);
        assertTrue(frame.startsWith("<iframe ") && frame.endsWith("></iframe>"), frame.substring(0, 80));
        String srcdoc = frame.substring(frame.indexOf("srcdoc=\"") + 8, frame.lastIndexOf("\"></iframe>"));
        assertFalse(srcdoc.contains("\""), "the page is one attribute value");
        assertEquals(report.html(), srcdoc.replace("&quot;", "\"").replace("&amp;", "&"));
    }

    @Test
    @Order(2)
    void mistakes_areThrownAsTheProjectsExceptions() throws IOException {
        CludaApi cluda = CludaApi.on(spark).logTo(line -> { });
        String conf = TinyTrain.syntheticConf().toString();
        String[] tiny = TinyTrain.overrides(dir).toArray(String[]::new);

        UserInputException taken = assertThrows(UserInputException.class,
                () -> cluda.train(conf, dir.resolve("run").toString(), tiny));
        assertTrue(taken.getMessage().contains("already exists"), taken.getMessage());
        assertTrue(Files.isRegularFile(dir.resolve("run/eval.json")), "a refused run leaves the directory as it was");

        String missing = dir.resolve("no-such-run").toString();
        FileNotFoundException noRun = assertThrows(FileNotFoundException.class, () -> cluda.evaluate(missing));
        assertTrue(noRun.getMessage().contains(missing), noRun.getMessage());
        assertThrows(FileNotFoundException.class, () -> cluda.report(dir.toString()));

        Path broken = dir.resolve("broken/broken.png");
        Files.createDirectories(broken.getParent());
        Files.writeString(broken, "not a PNG");
        assertNotNull(run, "the first test trained the run");
        BadSampleException bad = assertThrows(BadSampleException.class,
                () -> cluda.predict(run.runDir(), broken.toString(), dir.resolve("broken-out").toString()));
        assertTrue(bad.getMessage().contains(broken.toString()), bad.getMessage());
    }

    @Test
    @Order(3)
    void train_dataParallel_runsOnTheNotebooksSession() throws IOException {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CludaApi cluda = CludaApi.on(spark).logTo(log::add);
        String[] twoRanks = TinyTrain.overrides(dir, "distributed.ranks=2").toArray(String[]::new);

        TrainResult ranks = cluda.train(TinyTrain.syntheticConf().toString(), dir.resolve("run-2").toString(), twoRanks);
        assertEquals(2, ranks.ranks());
        assertEquals(1, ranks.attempts());
        assertEquals(4, ranks.iterations());
        assertEquals(EvalJson.read(HadoopFileStore.local(), dir.resolve("run-2/eval.json").toString()), ranks.eval());
        assertTrue(log.contains("train: 2 ranks in a Spark barrier stage"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[rank 0] ")), "rank 0's train.log: " + log);
        assertFalse(spark.sparkContext().isStopped(), "the notebook's session stays up");
    }

    /** The local file of a path the store listed ({@code file:/...}). */
    private static Path local(String file) {
        return file.startsWith("file:") ? Path.of(URI.create(file)) : Path.of(file);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
