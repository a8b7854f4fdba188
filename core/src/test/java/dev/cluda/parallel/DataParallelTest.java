package dev.cluda.parallel;

import dev.cluda.ndarray.GradMode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.cluda.comm.SingleRankCollective;
import dev.cluda.data.LabelMap;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.model.ModelSpec;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.HostArrays;
import dev.cluda.testing.IntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two ranks as two threads over a TCP ring on 127.0.0.1, on blocks small enough to reason about by hand. */
@IntegrationTest
class DataParallelTest {

    private static final ModelSpec TINY = new ModelSpec("mit_b0", 16, 16, 19, 0.1);

    /** Gradients of sum(Linear(x)) are [dL/db | dL/dW] = [1, 1 | x, x]. */
    private static float[] linearGradients(NDManager manager, Linear linear, float[] x) {
        return GradientScope.run(() -> {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray in = HostArrays.create(manager, x, new Shape(1, 3));
                gc.backward(linear.forward(new ParameterStore(manager, false), new NDList(in), true).head().sum());
            }
            try (NDManager step = manager.newSubManager()) {
                return GradientBuffer.of(linear).read(step);
            }
        });
    }

    @Test
    void averageGradients_twoRanks_meanOfEachRanksGradient() throws Exception {
        float[][] inputs = {{1, 2, 3}, {3, 2, 5}};
        List<float[]> averaged = Ranks.run(2, 30, c -> {
            DataParallel parallel = new DataParallel(c);
            try (NDManager manager = NDManager.newBaseManager()) {
                Linear linear = Linear.builder().setUnits(2).build();
                linear.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
                float[] own = linearGradients(manager, linear, inputs[c.rank()]);
                assertEquals(inputs[c.rank()][2], own[4]);
                try (NDManager step = manager.newSubManager()) {
                    DataParallel.SyncTimes times = parallel.averageGradients(linear, step);
                    assertTrue(times.allReduceNanos() > 0);
                    return GradientBuffer.of(linear).read(step);
                }
            }
        });
        float[] expected = {1, 1, 2, 2, 4, 2, 2, 4};
        assertArrayEquals(expected, averaged.get(0));
        assertArrayEquals(expected, averaged.get(1));
    }

    @Test
    void averageGradients_singleRank_leavesGradientsAndCopiesNothing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(2).build();
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            float[] own = linearGradients(manager, linear, new float[] {1, 2, 3});
            try (NDManager step = manager.newSubManager()) {
                assertSame(DataParallel.SyncTimes.NONE,
                        new DataParallel(new SingleRankCollective()).averageGradients(linear, step));
                assertArrayEquals(own, GradientBuffer.of(linear).read(step));
            }
        }
    }

    @Test
    void averageBatchNormStatistics_twoRanks_meanInPlace() throws Exception {
        List<float[]> stats = Ranks.run(2, 30, c -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                BatchNorm bn = BatchNorm.builder().build();
                bn.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 2, 2));
                BatchNormStatistics s = BatchNormStatistics.of(bn);
                float r = c.rank();
                s.write(new float[] {r, 2 * r, 1 + r, 1 + 3 * r}, 0); // means (r, 2r), variances (1+r, 1+3r)
                new DataParallel(c).averageBatchNormStatistics(bn);
                return bn.getParameters().get("runningVar").getArray().toFloatArray();
            }
        });
        assertArrayEquals(new float[] {1.5f, 2.5f}, stats.get(0));
        assertArrayEquals(stats.get(0), stats.get(1));
    }

    @Test
    void verifyIdentical_perturbedStudentOnRankOne_everyRankThrowsNamingRankOne() throws Exception {
        List<String> messages = Ranks.run(2, 30, c -> {
            GradMode.disableOnThisThread();
            try (NDManager manager = NDManager.newBaseManager()) {
                SegmentationModel student = SegmentationModel.createInitialized(TINY, 7, manager);
                SegmentationModel teacher = student.copy(manager);
                DataParallel parallel = new DataParallel(c);
                parallel.verifyIdentical(student, teacher); // same seed: identical
                if (c.rank() == 1) {
                    NDArray w = student.getParameters().get(0).getValue().getArray();
                    w.set(new ai.djl.ndarray.index.NDIndex("0"), w.get(0).add(1e-3f));
                }
                return assertThrows(IllegalStateException.class, () -> parallel.verifyIdentical(student, teacher))
                        .getMessage();
            }
        });
        for (String m : messages) {
            assertTrue(m.contains("student weights of ranks [1] differ from rank 0's"), m);
            assertTrue(!m.contains("teacher"), m);
        }
    }

    @Test
    void verifyIdentical_perturbedTeacherOnRankZero_namesTeacher() throws Exception {
        List<String> messages = Ranks.run(2, 30, c -> {
            GradMode.disableOnThisThread();
            try (NDManager manager = NDManager.newBaseManager()) {
                SegmentationModel student = SegmentationModel.createInitialized(TINY, 7, manager);
                SegmentationModel teacher = student.copy(manager);
                if (c.rank() == 0) {
                    NDArray var = teacher.getParameters().values().stream()
                            .filter(p -> p.getType() == ai.djl.nn.Parameter.Type.RUNNING_VAR)
                            .findFirst().orElseThrow().getArray();
                    var.muli(1.0001f); // a BatchNorm running variance (all 1 at initialisation)
                }
                return assertThrows(IllegalStateException.class,
                        () -> new DataParallel(c).verifyIdentical(student, teacher)).getMessage();
            }
        });
        assertTrue(messages.get(1).contains("teacher weights of ranks [1] differ from rank 0's (rank 0 0x"),
                messages.get(1));
        assertTrue(!messages.get(1).contains("student"), messages.get(1));
    }

    @Test
    void checksum_sameSeedEqual_oneUlpDifferent() {
        GradMode.disableOnThisThread();
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationModel a = SegmentationModel.createInitialized(TINY, 3, manager);
            SegmentationModel b = SegmentationModel.createInitialized(TINY, 3, manager);
            assertEquals(DataParallel.checksum(a), DataParallel.checksum(b));
            assertEquals(DataParallel.checksum(a), DataParallel.checksum(a.copy(manager)));
            NDArray w = b.getHead().getParameters().get(0).getValue().getArray();
            float first = w.toFloatArray()[0];
            w.toByteBuffer(true).asFloatBuffer().put(0, Math.nextUp(first));
            assertNotEquals(DataParallel.checksum(a), DataParallel.checksum(b));
            assertNotEquals(DataParallel.checksum(a),
                    DataParallel.checksum(SegmentationModel.createInitialized(TINY, 4, manager)));
        }
    }

    @Test
    void allReduce_confusionMatrices_sumOfRanks() throws Exception {
        List<ConfusionMatrix> sums = Ranks.run(2, 30, c -> {
            ConfusionMatrix m = new ConfusionMatrix(3);
            byte p = (byte) c.rank();
            m.accumulate(new LabelMap(2, 1, new byte[] {0, 2}), new LabelMap(2, 1, new byte[] {p, 2}));
            return new DataParallel(c).allReduce(m);
        });
        assertEquals(sums.get(0), sums.get(1));
        assertEquals(1, sums.get(0).count(0, 0));
        assertEquals(1, sums.get(0).count(0, 1));
        assertEquals(2, sums.get(0).count(2, 2));
        assertEquals(4, sums.get(0).totalPixels());
    }

    @Test
    void shard_indicesModuloSize() {
        List<String> items = List.of("a", "b", "c", "d", "e");
        assertEquals(List.of("b", "d"), DataParallel.shard(items, 1, 2));
        assertEquals(List.of("a", "c", "e"), DataParallel.shard(items, 0, 2));
        assertEquals(List.of("a", "d"), DataParallel.shard(items, 0, 3));
        assertEquals(List.of(), DataParallel.shard(List.of("a"), 1, 2));
        assertThrows(IllegalArgumentException.class, () -> DataParallel.shard(items, 2, 2));
    }
}
