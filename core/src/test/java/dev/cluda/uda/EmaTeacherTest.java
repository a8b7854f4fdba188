package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmaTeacherTest {

    private final EmaTeacher ema = EmaTeacher.withDefaultAlpha();
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void alpha_firstIterations_followOneMinusOneOverTPlusOne() {
        assertEquals(0.0, ema.alpha(0));
        assertEquals(0.5, ema.alpha(1));
        assertEquals(2.0 / 3.0, ema.alpha(2), 1e-15);
        assertEquals(1.0 - 1.0 / 999, ema.alpha(998), 1e-15);
    }

    @Test
    void alpha_largeIteration_isCappedAtAlpha() {
        assertEquals(0.999, ema.alpha(999), 1e-15);
        assertEquals(0.999, ema.alpha(40_000));
        assertEquals(0.99, new EmaTeacher(0.99).alpha(1000));
    }

    @Test
    void update_iterations0To2_copyThenAverageInPlace() {
        NDArray teacher = manager.create(new float[] {10f, 20f});
        teacher.setRequiresGradient(true);
        NDArray student = manager.create(new float[] {1f, 2f});
        List<NDArray> t = List.of(teacher);

        ema.update(t, List.of(student), 0);
        assertArrayEquals(new float[] {1f, 2f}, teacher.toFloatArray());
        student.addi(100f); // a copy, not an alias
        assertArrayEquals(new float[] {1f, 2f}, teacher.toFloatArray());

        // t = 1, α = 0.5: 0.5 (1, 2) + 0.5 (3, 6) = (2, 4)
        ema.update(t, List.of(manager.create(new float[] {3f, 6f})), 1);
        assertArrayEquals(new float[] {2f, 4f}, teacher.toFloatArray(), 1e-6f);

        // t = 2, α = 2/3: 2/3 (2, 4) + 1/3 (5, 1) = (3, 3)
        ema.update(t, List.of(manager.create(new float[] {5f, 1f})), 2);
        assertArrayEquals(new float[] {3f, 3f}, teacher.toFloatArray(), 1e-6f);

        // t = 10000, α capped at 0.999: 0.999 * 3 + 0.001 * 1003 = 4, 0.999 * 3 - 0.001 * 997 = 2.
        // Tolerance: float32 ulp at 1000 is 6e-5 (the difference t - s is about 1000).
        ema.update(t, List.of(manager.create(new float[] {1003f, -997f})), 10_000);
        assertArrayEquals(new float[] {4f, 2f}, teacher.toFloatArray(), 1e-4f);
        assertSame(teacher, t.get(0));
    }

    @Test
    void update_blocks_averagesWeightsButNotBatchNormRunningStats() {
        SequentialBlock teacherBlock = net();
        SequentialBlock studentBlock = net();
        Parameter tMean = runningMean(teacherBlock);
        tMean.getArray().addi(7f);
        runningMean(studentBlock).getArray().addi(5f);
        NDArray studentWeight = studentBlock.getParameters().get(0).getValue().getArray();

        ema.update(teacherBlock, studentBlock, 0);

        assertArrayEquals(studentWeight.toFloatArray(),
                teacherBlock.getParameters().get(0).getValue().getArray().toFloatArray());
        assertArrayEquals(new float[] {7f, 7f}, tMean.getArray().toFloatArray());
    }

    @Test
    void update_sizeMismatch_throws() {
        assertThrows(IllegalArgumentException.class, () -> ema.update(
                List.of(manager.create(new float[] {1f})), List.of(manager.create(new float[] {1f, 2f})), 1));
        assertThrows(IllegalArgumentException.class, () -> ema.update(
                List.of(manager.create(new float[] {1f})), List.of(), 1));
    }

    private SequentialBlock net() {
        SequentialBlock b = new SequentialBlock()
                .add(Linear.builder().setUnits(2).build())
                .add(BatchNorm.builder().build());
        b.initialize(manager, DataType.FLOAT32, new Shape(4, 3));
        return b;
    }

    private static Parameter runningMean(SequentialBlock b) {
        return b.getParameters().stream().filter(p -> p.getValue().getType() == Parameter.Type.RUNNING_MEAN)
                .findFirst().orElseThrow().getValue();
    }
}
