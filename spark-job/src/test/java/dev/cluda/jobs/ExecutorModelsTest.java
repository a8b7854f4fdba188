package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorModelsTest {

    @TempDir
    static Path dir;

    private static final FileStore STORE = HadoopFileStore.local();
    private static String withTeacher;
    private static String studentOnly;

    @BeforeAll
    static void checkpoints() throws IOException {
        withTeacher = TinyRuns.writeCheckpoint(STORE, dir.resolve("uda").toString(), 3, true);
        studentOnly = TinyRuns.writeCheckpoint(STORE, dir.resolve("source-only").toString(), 3, false);
    }

    private static ModelKey key(String name) {
        return ModelKey.of(name, CheckpointWeights.TEACHER, TinyRuns.SPEC);
    }

    /** A loader that builds no model (null) and counts its calls, slowly, so concurrent callers overlap. */
    private static ExecutorModels.Loader countingLoader(AtomicInteger calls) {
        return (key, store, manager) -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
    }

    @Test
    void acquire_fromFourThreadsAtOnce_loadsOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ExecutorModels models = new ExecutorModels(2, countingLoader(calls));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<Integer> task = () -> {
                    start.await();
                    try (ExecutorModels.Lease lease = models.acquire(key("a"), STORE)) {
                        return lease.infer(model -> 1);
                    }
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertEquals(1, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, calls.get());
        assertEquals(1, models.loads());
        assertEquals(1, models.size());
    }

    @Test
    void acquire_beyondCapacity_closesTheLeastRecentlyUsedUnleasedModel() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        ExecutorModels models = new ExecutorModels(1, countingLoader(calls));
        models.acquire(key("a"), STORE).close();
        try (ExecutorModels.Lease b = models.acquire(key("b"), STORE)) {
            assertFalse(models.holds(key("a")), "unused a makes room for b");
            try (ExecutorModels.Lease a = models.acquire(key("a"), STORE)) {
                assertEquals(2, models.size(), "b is leased, so it stays while a loads");
            }
            assertEquals(1, models.size());
            assertTrue(models.holds(key("b")));
        }
        assertEquals(3, models.loads());
        assertEquals(0, models.clear());
        assertEquals(0, models.size());
    }

    @Test
    void infer_afterRelease_isRefused() throws IOException {
        ExecutorModels models = new ExecutorModels(1, countingLoader(new AtomicInteger()));
        ExecutorModels.Lease lease = models.acquire(key("a"), STORE);
        lease.close();
        assertThrows(IllegalStateException.class, () -> lease.infer(model -> 1));
    }

    @Test
    void acquire_failingLoad_isNotCachedAndIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        ExecutorModels models = new ExecutorModels(1, (key, store, manager) -> {
            calls.incrementAndGet();
            throw new IOException("cannot read " + key.checkpoint());
        });
        assertThrows(IOException.class, () -> models.acquire(key("x"), STORE));
        assertThrows(IOException.class, () -> models.acquire(key("x"), STORE));
        assertEquals(2, calls.get());
        assertEquals(0, models.size());
    }

    @Test
    void loadCheckpoint_teacher_hasTheTeachersWeightsNotTheStudents() throws IOException {
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationModel teacher = ExecutorModels.loadCheckpoint(
                    ModelKey.of(withTeacher, CheckpointWeights.TEACHER, TinyRuns.SPEC), STORE, manager);
            SegmentationModel student = ExecutorModels.loadCheckpoint(
                    ModelKey.of(withTeacher, CheckpointWeights.STUDENT, TinyRuns.SPEC), STORE, manager);
            SegmentationModel expected = SegmentationModel.createInitialized(TinyRuns.SPEC, TinyRuns.TEACHER_SEED, manager);
            float[] want = expected.getParameters().get(0).getValue().getArray().toFloatArray();
            assertArrayEquals(want, teacher.getParameters().get(0).getValue().getArray().toFloatArray());
            assertFalse(java.util.Arrays.equals(want, student.getParameters().get(0).getValue().getArray().toFloatArray()));
            assertNotSame(teacher, student);
        }
    }

    @Test
    void loadCheckpoint_teacherOfASourceOnlyRun_saysToUseTheStudent() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecutorModels.loadCheckpoint(
                    ModelKey.of(studentOnly, CheckpointWeights.TEACHER, TinyRuns.SPEC), STORE, manager));
            assertTrue(e.getMessage().contains(studentOnly) && e.getMessage().contains("--weights student"),
                    e.getMessage());
        }
    }

    @Test
    void loadCheckpoint_otherModelSpec_namesTheCheckpoint() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelKey wider = new ModelKey(withTeacher, CheckpointWeights.STUDENT, "mit_b0", 32, 16, 19, 0.1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ExecutorModels.loadCheckpoint(wider, STORE, manager));
            assertTrue(e.getMessage().contains(withTeacher), e.getMessage());
        }
    }

    @Test
    void shared_isOneInstancePerJvm() {
        assertSame(ExecutorModels.shared(), ExecutorModels.shared());
    }
}
