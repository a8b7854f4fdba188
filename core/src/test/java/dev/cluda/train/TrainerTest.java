package dev.cluda.train;

import dev.cluda.rundir.CheckpointStore;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run A trains 6 iterations uninterrupted; run B is the same configuration, killed during
 * iteration 4 (after the checkpoint at 3) and resumed by a second Trainer in the same directory.
 * Both runs are made once for the class (about 13 iterations of the tiny experiment).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class TrainerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private final LocalFileStore store = new LocalFileStore();
    private NDManager manager;
    private String runA;
    private String runB;
    private Trainer.Outcome resumed;
    private final List<String> resumeMessages = new ArrayList<>();

    /** A crash: thrown by the listener once iteration 4 has run. */
    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @BeforeAll
    void trainBothRuns() throws IOException {
        manager = NDManager.newBaseManager();
        // feature distance on as well, so the frozen ImageNet model is part of the resumed state; MIC's
        // masked pass (with its contrast) too, so its jitter, blur and mask draws must resume in step
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "train.iters=6",
                "train.checkpointInterval=3", "uda.fd.enabled=true", "mic.enabled=true", "mic.contrastive=true");
        runA = dir.resolve("a").toString();
        runB = dir.resolve("b").toString();
        new Trainer(config, store, runA, new Trainer.Listener() { }).run(false);

        Trainer.Listener crashing = new Trainer.Listener() {
            @Override
            public void iteration(long iteration, StepResult result, double seconds) {
                if (iteration == 4) {
                    throw new Crash();
                }
            }
        };
        assertThrows(Crash.class, () -> new Trainer(config, store, runB, crashing).run(false));
        resumed = new Trainer(config, store, runB, new Trainer.Listener() {
            @Override
            public void message(String line) {
                resumeMessages.add(line);
            }

            @Override
            public void iteration(long iteration, StepResult result, double seconds) {
                // Frees what is only garbage-reachable (the checkpoint's decoded buffers): state that
                // still pointed into them would change the remaining iterations.
                System.gc();
            }
        }).run(true);
    }

    @AfterAll
    void closeManager() {
        manager.close();
    }

    @Test
    void run_killedAndResumed_endsBitIdenticalToUninterrupted() throws IOException {
        assertEquals(3, resumed.resumedFrom());
        assertEquals(6, resumed.iterations());
        assertTrue(resumeMessages.stream().anyMatch(m -> m.startsWith("resume: continuing at iteration 3")),
                resumeMessages.toString());
        CheckpointStore.Checkpoint a = new CheckpointStore(store, runA, 2).loadLatest(manager).orElseThrow();
        CheckpointStore.Checkpoint b = new CheckpointStore(store, runB, 2).loadLatest(manager).orElseThrow();
        assertEquals(6, a.nextIteration());
        assertEquals(6, b.nextIteration());
        for (String part : List.of("student", "teacher", "optimizer")) {
            assertSameArrays(part, a.parts().get(part), b.parts().get(part));
        }
        assertTrue(Files.readString(Path.of(runB, "metrics.jsonl")).contains("loss.ce_masked"), "MIC did not run");
    }

    @Test
    void run_resumed_metricsHaveTheUninterruptedIterationsOnce() throws IOException {
        List<Long> a = iterations(runA);
        List<Long> b = iterations(runB);
        assertEquals(List.of(1L, 3L, 5L), a); // logInterval 2 over 6 iterations
        assertEquals(a, b);
        JsonNode last = JSON.readTree(Files.readAllLines(Path.of(runB, "metrics.jsonl")).get(2));
        for (String key : List.of("iter", "lr", "loss.ce_source", "loss.fd", "loss.cl_source", "loss.ce_mixed",
                "loss.cl_mixed", "loss.total", "sec_per_iter", "pseudo_conf", "mIoU")) {
            assertTrue(last.has(key), "metrics line lacks " + key + ": " + last);
        }
    }

    @Test
    void run_finished_writesEvalJsonAndConfig() throws IOException {
        for (String run : List.of(runA, runB)) {
            JsonNode eval = JSON.readTree(Path.of(run, "eval.json").toFile());
            assertEquals(6, eval.get("iter").asInt());
            assertEquals(2, eval.get("num_images").asInt());
            double mIoU = eval.get("mIoU").asDouble();
            assertTrue(mIoU >= 0 && mIoU <= 100, "mIoU " + mIoU);
            assertEquals(19, eval.get("classes").size());
            assertTrue(Files.isRegularFile(Path.of(run, "config.conf")));
        }
        assertNotNull(resumed.lastEval());
        assertEquals(6, resumed.lastEval().iter());
        // keepCheckpoints = 2 keeps both checkpoints (3 and 6) of each run
        assertEquals(2, new CheckpointStore(store, runA, 2).list().size());
    }

    @Test
    void run_writesTrainLog_keptAcrossTheResumeWithTheBuildOfEachSession() throws IOException {
        List<String> a = Files.readAllLines(Path.of(runA, "train.log"));
        assertTrue(a.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ session: cluda .* \\(commit .*"), a.get(0));
        assertTrue(a.stream().anyMatch(l -> l.contains("train: iteration 2/6, ce_source ") && l.contains("s/iter, ETA")),
                a.toString());
        assertTrue(a.stream().anyMatch(l -> l.endsWith("train: iteration 6/6") || l.contains("train: iteration 6/6,")),
                a.toString());
        assertTrue(a.stream().anyMatch(l -> l.contains("eval: iteration 6/6, target mIoU ")), a.toString());
        List<String> b = Files.readAllLines(Path.of(runB, "train.log"));
        assertEquals(2, b.stream().filter(l -> l.contains(" session: cluda ")).count(), b.toString());
        // the crashed session's progress is still there, before the resume's
        int before = indexOf(b, "train: iteration 4/6,");
        int resumed = indexOf(b, "resume: continuing at iteration 3");
        assertTrue(before >= 0 && resumed > before, b.toString());
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static void assertSameArrays(String part, NDList a, NDList b) {
        assertNotNull(a, "run A has no " + part);
        assertNotNull(b, "run B has no " + part);
        assertEquals(a.size(), b.size(), part);
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray x : b) {
            byName.put(x.getName(), x);
        }
        for (NDArray x : a) {
            NDArray y = byName.get(x.getName());
            assertNotNull(y, part + " of run B lacks " + x.getName());
            assertEquals(x.getShape(), y.getShape(), x.getName());
            assertEquals(x.getDataType(), y.getDataType(), x.getName());
            assertArrayEquals(x.toByteArray(), y.toByteArray(), part + " differs at " + x.getName());
        }
    }

    private static List<Long> iterations(String run) throws IOException {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(run, "metrics.jsonl"))) {
            out.add(JSON.readTree(line).get("iter").asLong());
        }
        return out;
    }
}
