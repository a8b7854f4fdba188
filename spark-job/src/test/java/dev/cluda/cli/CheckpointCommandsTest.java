package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.ExecutorModels;
import dev.cluda.jobs.PseudoLabelManifest;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code cluda train} for 2 iterations (conf/synthetic.conf shrunk as in
 * {@link TrainCommandTest}: 6 + 4 + 2 images of 128x64, MiT-B0 with a 16-wide head), then
 * {@code cluda eval --checkpoint} and {@code cluda pseudo-labels} on that run, on {@code local[2]}.
 */
@IntegrationTest
class CheckpointCommandsTest {

    @TempDir
    static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FileStore STORE = HadoopFileStore.local();
    private static SparkSession spark;
    private static Path run;

    private static Path syntheticConf() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/synthetic.conf"))) {
                return p.resolve("conf/synthetic.conf");
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf above " + Path.of("").toAbsolutePath());
    }

    @BeforeAll
    static void trainTwoIterations() {
        spark = SparkSession.builder().master("local[2]").appName("CheckpointCommandsTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        String data = dir.resolve("synthetic").toString();
        run = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--config", syntheticConf().toString(), "--out",
                run.toString()));
        for (String o : List.of("synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + data, "data.target.root=" + data,
                "model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                "train.iters=2", "train.warmupIters=1", "train.logInterval=1", "train.checkpointInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000")) {
            args.add("--set");
            args.add(o);
        }
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
    }

    @AfterAll
    static void stop() {
        ExecutorModels.shared().clear();
        spark.stop();
    }

    @Test
    void evalCheckpoint_runDirectory_equalsTheTrainersOwnEvaluationExactly() throws IOException {
        Path out = dir.resolve("eval-run");
        CliRunner.Result r = CliRunner.run("eval", "--checkpoint", run.toString(), "--partitions", "2",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        EvalResult trainer = EvalJson.read(STORE, run.resolve("eval.json").toString());
        EvalResult distributed = EvalJson.read(STORE, out.resolve("eval.json").toString());
        assertEquals(2, trainer.iter());
        assertEquals(trainer, distributed); // same iteration, images and every IoU: identical confusion counts
        assertTrue(r.out().contains("GT share %"), r.out());
        assertTrue(r.out().contains("eval: 2 images"), r.out());
        assertTrue(spark.sparkContext().isStopped() == false, "a session the command did not start stays up");
    }

    /** An HRDA checkpoint is scored on the executors with the same sliding-window inference as in training (§9). */
    @Test
    void evalCheckpoint_multiResolutionRun_equalsTheTrainersOwnEvaluationExactly() throws IOException {
        String data = dir.resolve("synthetic").toString();
        Path hrda = dir.resolve("hrda-run");
        List<String> args = new ArrayList<>(List.of("train", "--config", syntheticConf().toString(), "--out",
                hrda.toString()));
        for (String o : List.of("synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + data, "data.target.root=" + data,
                "model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                "train.iters=2", "train.warmupIters=1", "train.logInterval=1", "train.checkpointInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000", "eval.size=[]",
                "hrda.enabled=true", "hrda.detailCrop=[32,32]", "hrda.attentionEmbedWidth=16",
                "hrda.inference.window=[32,32]", "hrda.inference.stride=[32,32]", "hrda.eval.window=[64,64]",
                "hrda.eval.stride=[32,32]")) {
            args.add("--set");
            args.add(o);
        }
        CliRunner.Result trained = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, trained.exitCode(), trained.out() + trained.err());
        Path out = dir.resolve("eval-hrda");
        CliRunner.Result r = CliRunner.run("eval", "--checkpoint", hrda.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals(EvalJson.read(STORE, hrda.resolve("eval.json").toString()),
                EvalJson.read(STORE, out.resolve("eval.json").toString()));
        Path labels = dir.resolve("pseudo-hrda");
        CliRunner.Result p = CliRunner.run("pseudo-labels", "--checkpoint", hrda.toString(), "--out", labels.toString());
        assertEquals(0, p.exitCode(), p.out() + p.err());
        assertTrue(Files.isRegularFile(labels.resolve("summary.json")), p.out());
    }

    @Test
    void evalCheckpoint_fileWithExplicitDataset_givesTheSameResult() throws IOException {
        Path out = dir.resolve("eval-file");
        CliRunner.Result r = CliRunner.run("eval", "--checkpoint",
                run.resolve("checkpoints/iter_00000002.ckpt").toString(), "--dataset", "cityscapes", "--root",
                dir.resolve("synthetic/cityscapes").toString(), "--split", "val", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals(EvalJson.read(STORE, run.resolve("eval.json").toString()),
                EvalJson.read(STORE, out.resolve("eval.json").toString()));
    }

    @Test
    void pseudoLabels_runDirectory_writesTheFolderAndPrintsOneLine() throws IOException {
        Path out = dir.resolve("pseudo");
        CliRunner.Result r = CliRunner.run("pseudo-labels", "--checkpoint", run.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("pseudo-labels: 4 images (0 skipped), mean confidence "), r.out());
        assertTrue(r.out().contains("against 4 ground-truth images"), r.out());
        PseudoLabelManifest m = PseudoLabelManifest.read(STORE, out.toString());
        assertEquals(2, m.iteration());
        assertEquals("teacher", m.weights());
        assertEquals(4, m.images());
        assertEquals("train", m.split());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(4, files.filter(p -> p.getFileName().toString().endsWith("_pseudo.png")).count());
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(4, summary.get("ground_truth").get("num_images").asInt());

        CliRunner.Result again = CliRunner.run("pseudo-labels", "--checkpoint", run.toString(), "--out", out.toString());
        assertEquals(2, again.exitCode(), again.out() + again.err());
        assertTrue(again.err().contains("--overwrite"), again.err());
    }

    @Test
    void badCheckpointPath_exitsTwoNamingIt() {
        String missing = dir.resolve("no-such-run").toString();
        CliRunner.Result eval = CliRunner.run("eval", "--checkpoint", missing, "--out", dir.resolve("e").toString());
        assertEquals(2, eval.exitCode(), eval.out() + eval.err());
        assertTrue(eval.err().contains(missing), eval.err());
        CliRunner.Result pseudo = CliRunner.run("pseudo-labels", "--checkpoint", missing, "--out",
                dir.resolve("p").toString());
        assertEquals(2, pseudo.exitCode(), pseudo.out() + pseudo.err());
        assertTrue(pseudo.err().contains(missing), pseudo.err());
        assertFalse(Files.exists(dir.resolve("p")), "nothing is written for a bad checkpoint");
    }

    @Test
    void eval_predAndCheckpointTogetherOrNeither_isAUsageError() {
        CliRunner.Result both = CliRunner.run("eval", "--pred", "x", "--checkpoint", run.toString(), "--out",
                dir.resolve("b").toString());
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        CliRunner.Result neither = CliRunner.run("eval", "--out", dir.resolve("n").toString());
        assertEquals(2, neither.exitCode());
        assertTrue(neither.err().contains("--pred") && neither.err().contains("--checkpoint"), neither.err());
    }

    @Test
    void eval_predWithConfig_isRefused() {
        CliRunner.Result r = CliRunner.run("eval", "--pred", "x", "--config", syntheticConf().toString(),
                "--dataset", "cityscapes", "--root", "y", "--out", dir.resolve("c").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("only with --checkpoint"), r.err());
    }
}
