package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.config.CludaConfig;
import dev.cluda.error.UserInputException;
import dev.cluda.io.LocalFileStore;
import dev.cluda.model.SegmentationModel;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
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
 * {@code model.init}: a source run of 2 tiny iterations, then sessions that start from it. The
 * student, the EMA teacher and the frozen FD reference must all hold the checkpoint's student
 * weights (the stand-in for ImageNet-initialised self-training, reference §2.1, §4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class ModelInitTest {

    @TempDir
    static Path dir;

    private final LocalFileStore store = new LocalFileStore();
    private NDManager manager;
    private String run;
    private Map<String, float[]> checkpointStudent;
    private String checkpointFile;

    @BeforeAll
    void trainSourceRun() throws IOException {
        manager = NDManager.newBaseManager();
        run = dir.resolve("source-run").toString();
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "train.iters=2",
                "train.checkpointInterval=2");
        new Trainer(config, store, run, new Trainer.Listener() { }).run(false);
        CheckpointStore checkpoints = new CheckpointStore(store, run, 2);
        CheckpointStore.Checkpoint c = checkpoints.loadLatest(manager).orElseThrow();
        assertEquals(2, c.nextIteration());
        checkpointFile = checkpoints.fileOf(2);
        checkpointStudent = new HashMap<>();
        for (NDArray a : c.parts().get("student")) {
            checkpointStudent.put(a.getName(), a.toFloatArray());
        }
    }

    @AfterAll
    void closeManager() {
        manager.close();
    }

    @Test
    void open_withRunDirectory_startsStudentTeacherAndFdReferenceFromCheckpointStudent() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "uda.fd.enabled=true",
                "model.init=" + run);
        List<String> log = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager();
             TrainingSession session = open(config, root, log)) {
            assertNotNull(session.teacher());
            assertNotNull(session.imagenet());
            assertEqualsCheckpoint("student", session.student());
            assertEqualsCheckpoint("teacher", session.teacher());
            assertEqualsCheckpoint("imagenet", session.imagenet());
            assertTrue(log.stream().anyMatch(m -> m.contains("initialised from") && m.contains("iter_00000002.ckpt")),
                    log.toString());
            // the checkpoint is not what a random init of this seed would give, so the equality above means something
            SegmentationModel random = SegmentationModel.createInitialized(config.model().spec(),
                    config.train().seed(), root);
            assertFalse(sameAsCheckpoint(random), "the trained checkpoint equals a random init");
        }
    }

    @Test
    void open_withCheckpointFile_startsFromThatFile() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "model.init=" + checkpointFile);
        try (NDManager root = NDManager.newBaseManager();
             TrainingSession session = open(config, root, new ArrayList<>())) {
            assertEqualsCheckpoint("student", session.student());
            assertEqualsCheckpoint("teacher", session.teacher());
        }
    }

    @Test
    void open_withOtherArchitecture_failsNamingTheCheckpoint() {
        for (String init : List.of(run, checkpointFile)) {
            CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "model.embedDim=32",
                    "model.init=" + init);
            UserInputException e = assertThrows(UserInputException.class, () -> {
                try (NDManager root = NDManager.newBaseManager();
                     TrainingSession session = open(config, root, new ArrayList<>())) {
                    session.student();
                }
            });
            assertTrue(e.getMessage().contains(checkpointFile), e.getMessage());
        }
    }

    @Test
    void open_withRunDirectoryWithoutCheckpoint_failsNamingIt() {
        assertTrue(dir.resolve("no-checkpoints").toFile().mkdirs());
        String empty = dir.resolve("no-checkpoints").toString();
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "model.init=" + empty);
        UserInputException e = assertThrows(UserInputException.class, () -> {
            try (NDManager root = NDManager.newBaseManager();
                 TrainingSession session = open(config, root, new ArrayList<>())) {
                session.student();
            }
        });
        assertTrue(e.getMessage().contains(empty), e.getMessage());
    }

    private TrainingSession open(CludaConfig config, NDManager root, List<String> log) throws IOException {
        TrainingData data = TrainingData.prepare(config, store, dir.resolve("rcs").toString(), log::add);
        return TrainingSession.open(config, data, root, Rank.alone().parallel(), log::add);
    }

    private void assertEqualsCheckpoint(String which, SegmentationModel model) {
        int n = 0;
        for (Pair<String, Parameter> p : model.getParameters()) {
            float[] expected = checkpointStudent.get(p.getKey());
            assertNotNull(expected, which + ": no checkpoint value for " + p.getKey());
            assertArrayEquals(expected, p.getValue().getArray().toFloatArray(), which + " " + p.getKey());
            n++;
        }
        assertEquals(checkpointStudent.size(), n, which + ": parameter count");
    }

    private boolean sameAsCheckpoint(SegmentationModel model) {
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (!java.util.Arrays.equals(checkpointStudent.get(p.getKey()), p.getValue().getArray().toFloatArray())) {
                return false;
            }
        }
        return true;
    }
}
