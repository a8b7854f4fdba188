package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.io.LocalFileStore;
import dev.cluda.io.RunDirectoryLock;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluda train} never damages or blocks a run directory: a locked directory, a file named as
 * {@code --out}, a start that fails, a bad sample, stale temporary files, a refused resume and a
 * missing {@code checkpoints/latest}, each on the tiny run of {@link TinyTrain}.
 */
@IntegrationTest
class RunDirectorySafetyTest {

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void train_runDirectoryLockedByAnotherHolder_exitsTwoNamingTheHolder() throws IOException {
        Path out = dir.resolve("run");
        CliRunner.Result refused;
        try (RunDirectoryLock held = RunDirectoryLock.acquire(new LocalFileStore(), out.toString())) {
            refused = TinyTrain.train(out.toString(), TinyTrain.overrides(data));
        }
        assertEquals(2, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("in use"), refused.err());
        assertTrue(refused.err().contains("pid " + ProcessHandle.current().pid()), refused.err());
        assertFalse(Files.exists(out.resolve("config.conf")));
        assertFalse(Files.exists(out.resolve("checkpoints")));

        CliRunner.Result r = TinyTrain.train(out.toString(), TinyTrain.overrides(data));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(Files.exists(out.resolve("config.conf")));
    }

    @Test
    void train_outIsARegularFile_exitsTwoAndKeepsTheFile() throws IOException {
        Path out = dir.resolve("notes.txt");
        Files.writeString(out, "not a run directory");
        for (String[] flags : List.of(new String[0], new String[] {"--overwrite"}, new String[] {"--resume"})) {
            CliRunner.Result r = TinyTrain.train(out.toString(), TinyTrain.overrides(data), flags);
            assertEquals(2, r.exitCode(), List.of(flags) + ": " + r.out() + r.err());
            assertTrue(r.err().contains("is a file"), r.err());
            assertTrue(Files.isRegularFile(out), List.of(flags).toString());
            assertEquals("not a run directory", Files.readString(out));
        }
    }

    @Test
    void train_freshStartFailsAfterDataPreparation_leavesNothingThatBlocksTheRerun() throws IOException {
        Path out = dir.resolve("run");
        String missing = dir.resolve("missing.safetensors").toString();
        // the encoder weights are read after TrainingData.prepare has written rcs/ into the run directory
        CliRunner.Result failed = TinyTrain.train(out.toString(),
                TinyTrain.overrides(data, "model.pretrained=" + missing));
        assertNotEquals(0, failed.exitCode(), failed.out() + failed.err());
        assertTrue(failed.err().contains("missing.safetensors"), failed.err());
        assertTrue(failed.out().contains("rare-class statistics computed"), "statistics written into the run directory: " + failed.out());
        assertEquals(List.of(RunDirectoryLock.LOCK_FILE), fileNames(out), "only the lock file may stay");

        CliRunner.Result rerun = TinyTrain.train(out.toString(), TinyTrain.overrides(data));
        assertEquals(0, rerun.exitCode(), rerun.out() + rerun.err());
        assertTrue(rerun.out().contains("train: 4 iterations in"), rerun.out());
    }

    @Test
    void train_badValidationImageUnderFail_stopsBeforeTrainingNamingTheFile() throws IOException {
        // a benchmark of this test's own: one of its images is damaged
        List<String> overrides = TinyTrain.overrides(dir, "eval.interval=2", "train.iters=4");
        CliRunner.Result synth = CliRunner.run(TinyTrain.args("synth", dir.resolve("synthetic").toString(), overrides));
        assertEquals(0, synth.exitCode(), synth.out() + synth.err());
        Path bad;
        try (Stream<Path> files = Files.walk(dir.resolve("synthetic/cityscapes/leftImg8bit/val"))) {
            bad = files.filter(p -> p.getFileName().toString().endsWith("_leftImg8bit.png")).sorted().findFirst()
                    .orElseThrow();
        }
        Files.write(bad, "this is not a PNG".getBytes(StandardCharsets.US_ASCII));
        Path out = dir.resolve("run");

        CliRunner.Result failed = TinyTrain.train(out.toString(), overrides);
        assertEquals(2, failed.exitCode(), failed.out() + failed.err());
        assertTrue(failed.err().contains(bad.getFileName().toString()), failed.err());
        assertFalse(Files.exists(out.resolve("config.conf")));
        assertFalse(Files.exists(out.resolve("checkpoints")));
        assertFalse(Files.exists(out.resolve("metrics.jsonl")));

        List<String> skipping = new ArrayList<>(overrides);
        skipping.add("data.onBadSample=skip");
        CliRunner.Result skipped = TinyTrain.train(out.toString(), skipping);
        assertEquals(0, skipped.exitCode(), skipped.out() + skipped.err());
        assertTrue(skipped.out().contains("skip"), skipped.out());
        assertTrue(skipped.out().contains(bad.getFileName().toString()), skipped.out());
        assertEquals("iter_00000004.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
    }

    @Test
    void train_resumeWithStaleTempFiles_removesThemAndContinues() throws IOException {
        Path out = dir.resolve("run");
        CliRunner.Result first = TinyTrain.train(out.toString(), TinyTrain.overrides(data, "train.iters=2"));
        assertEquals(0, first.exitCode(), first.out() + first.err());
        // the name LocalFileStore.writeAtomically gives its temporary: hidden, target, digits, .tmp
        Path stale = out.resolve("checkpoints/.iter_00000004.ckpt.8031457720911042.tmp");
        Files.write(stale, new byte[] {1, 2, 3, 4});

        CliRunner.Result resumed = TinyTrain.train(out.toString(), TinyTrain.overrides(data), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("removed 1 temporary file"), resumed.out());
        assertFalse(Files.exists(stale));
        assertTrue(resumed.out().contains("train: 2 iterations (resumed at 2)"), resumed.out());
        // off a terminal: one plain progress line per log interval (2), counted from the resume
        assertTrue(resumed.out().contains("train: iteration 4/4, loss ") && resumed.out().contains(" s/iter, ETA 0.0 min"),
                resumed.out());
        assertEquals("iter_00000004.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
    }

    @Test
    void train_refusedResume_leavesConfigConfByteIdentical() throws IOException {
        Path out = dir.resolve("run");
        CliRunner.Result first = TinyTrain.train(out.toString(), TinyTrain.overrides(data, "train.iters=2"));
        assertEquals(0, first.exitCode(), first.out() + first.err());
        byte[] config = Files.readAllBytes(out.resolve("config.conf"));

        CliRunner.Result refused = TinyTrain.train(out.toString(),
                TinyTrain.overrides(data, "train.iters=2", "model.encoder=mit_b1"), "--resume");
        assertEquals(2, refused.exitCode(), refused.out() + refused.err());
        assertArrayEquals(config, Files.readAllBytes(out.resolve("config.conf")));

        CliRunner.Result eval = CliRunner.run("eval", "--checkpoint", out.toString(), "--out",
                dir.resolve("eval").toString());
        assertEquals(0, eval.exitCode(), eval.out() + eval.err());
        assertTrue(Files.exists(dir.resolve("eval/eval.json")));
    }

    @Test
    void train_resumeWithLatestMissing_continuesFromTheNewestCheckpoint() throws IOException {
        Path out = dir.resolve("run");
        CliRunner.Result killed = TinyTrain.train(out.toString(), TinyTrain.overrides(data, "debug.failAtIteration=3"));
        assertEquals(1, killed.exitCode(), killed.out() + killed.err());
        assertTrue(Files.exists(out.resolve("checkpoints/iter_00000002.ckpt")));
        Files.delete(out.resolve("checkpoints/latest"));

        CliRunner.Result resumed = TinyTrain.train(out.toString(),
                TinyTrain.overrides(data, "debug.failAtIteration=-1"), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("train: 2 iterations (resumed at 2)"), resumed.out());
        List<Integer> iters = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            iters.add(JSON.readTree(line).get("iter").asInt());
        }
        assertEquals(List.of(1, 3), iters);
        assertEquals("iter_00000004.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
    }

    /** The names of the files and folders directly in {@code dir}, sorted. */
    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
