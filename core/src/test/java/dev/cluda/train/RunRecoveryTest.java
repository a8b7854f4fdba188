package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.data.BadSampleException;
import dev.cluda.io.LocalFileStore;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.NonFiniteLossException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run leaves behind when it stops early: a checkpoint written before the evaluation that
 * fails, the last checkpoint intact after a diverged loss, the configuration of a run untouched by a
 * refused resume, and a resume past a missing {@code latest} that continues instead of starting over.
 */
@IntegrationTest
class RunRecoveryTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    private CludaConfig config(Path data, String... extra) {
        List<String> all = new ArrayList<>(List.of("train.checkpointInterval=2", "train.logInterval=1"));
        all.addAll(List.of(extra));
        return TinyExperiment.config(data, all.toArray(String[]::new));
    }

    @Test
    void run_badEvaluationImage_checkpointOfThatIterationIsWrittenFirst() throws IOException {
        Path data = dir.resolve("data");
        CludaConfig config = config(data, "eval.interval=2");
        SyntheticBenchmarkWriter.write(config.synth(), store, data.toString());
        Path image;
        try (Stream<Path> files = Files.walk(data.resolve("cityscapes/leftImg8bit/val"))) {
            image = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        Files.write(image, new byte[] {1, 2, 3});
        String run = dir.resolve("run").toString();
        Exception e = assertThrows(Exception.class, () -> new Trainer(config, store, run, new Trainer.Listener() { })
                .run(false));
        Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
        assertInstanceOf(BadSampleException.class, cause, e.toString());
        assertTrue(cause.getMessage().contains(image.toString()), cause.getMessage());
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(2, new CheckpointStore(store, run, 2).loadLatest(manager).orElseThrow().nextIteration(),
                    "the checkpoint of iteration 2 is written before iteration 2's evaluation");
        }
    }

    @Test
    void run_nonFiniteLoss_stopsNamingTermAndIterationWithTheLastCheckpointIntact() throws IOException {
        CludaConfig config = config(dir.resolve("data"), "debug.nonFiniteAtIteration=3");
        String run = dir.resolve("run").toString();
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                () -> new Trainer(config, store, run, new Trainer.Listener() { }).run(false));
        assertEquals("ce_source", e.term());
        assertEquals(3, e.iteration());
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(2, new CheckpointStore(store, run, 2).loadLatest(manager).orElseThrow().nextIteration());
        }
        List<String> metrics = Files.readAllLines(Path.of(run, "metrics.jsonl"));
        assertEquals(3, metrics.size(), "iterations 0, 1 and 2 were logged: " + metrics);
    }

    @Test
    void run_refusedResume_leavesConfigConfAsItWas() throws IOException {
        Path data = dir.resolve("data");
        String run = dir.resolve("run").toString();
        new Trainer(config(data, "train.iters=2"), store, run, new Trainer.Listener() { }).run(false);
        byte[] before = Files.readAllBytes(Path.of(run, "config.conf"));
        CludaConfig other = config(data, "train.iters=4", "model.embedDim=32");
        assertThrows(IllegalArgumentException.class,
                () -> new Trainer(other, store, run, new Trainer.Listener() { }).run(true));
        assertArrayEquals(before, Files.readAllBytes(Path.of(run, "config.conf")));
    }

    @Test
    void run_resumeWithLatestMissing_continuesFromTheNewestCheckpoint() throws IOException {
        Path data = dir.resolve("data");
        String run = dir.resolve("run").toString();
        assertThrows(IllegalStateException.class, () -> new Trainer(config(data, "debug.failAtIteration=3"), store, run,
                new Trainer.Listener() { }).run(false));
        Files.delete(Path.of(run, CheckpointStore.DIR, CheckpointStore.LATEST));
        List<String> messages = new ArrayList<>();
        Trainer.Outcome outcome = new Trainer(config(data), store, run, new Trainer.Listener() {
            @Override
            public void message(String line) {
                messages.add(line);
            }
        }).run(true);
        assertEquals(2, outcome.resumedFrom(), messages.toString());
        List<String> metrics = Files.readAllLines(Path.of(run, "metrics.jsonl"));
        assertEquals(4, metrics.size(), "iterations 0..3 once each: " + metrics);
    }
}
