package dev.cluda.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.cluda.ndarray.HostArrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Linear(2) block on x = (1, 2, 3) with loss sum(Wx + b): dL/dW = [[1, 2, 3], [1, 2, 3]],
 * dL/db = [1, 1]; by name "bias" comes before "weight", so the flat buffer is
 * [1, 1, 1, 2, 3, 1, 2, 3].
 */
class GradientBufferTest {

    private NDManager manager;
    private Linear linear;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        linear = Linear.builder().setUnits(2).build();
        linear.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray x = HostArrays.create(manager, new float[] {1, 2, 3}, new Shape(1, 3));
            NDArray y = linear.forward(new ParameterStore(manager, false), new NDList(x), true).head();
            gc.backward(y.sum());
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void read_linearBlock_gradientsInNameOrder() {
        GradientBuffer buffer = GradientBuffer.of(linear);
        assertEquals(List.of("bias", "weight"), buffer.names());
        assertEquals(8, buffer.length());
        assertEquals(2, buffer.offset(1));
        try (NDManager step = manager.newSubManager()) {
            assertArrayEquals(new float[] {1, 1, 1, 2, 3, 1, 2, 3}, buffer.read(step));
            float[] padded = new float[10];
            buffer.read(step, padded, 2);
            assertArrayEquals(new float[] {0, 0, 1, 1, 1, 2, 3, 1, 2, 3}, padded);
        }
    }

    @Test
    void write_scaledValues_showInGetGradient() {
        GradientBuffer buffer = GradientBuffer.of(linear);
        try (NDManager step = manager.newSubManager()) {
            float[] flat = buffer.read(step);
            for (int i = 0; i < flat.length; i++) {
                flat[i] *= -0.5f;
            }
            buffer.write(step, flat, 0);
            assertEquals(2, buffer.viewWritableCount(), "CPU gradients take writes through the view");
            NDArray weightGrad = linear.getParameters().get("weight").getArray().getGradient();
            weightGrad.attach(step);
            assertArrayEquals(new float[] {-0.5f, -1f, -1.5f, -0.5f, -1f, -1.5f}, weightGrad.toFloatArray());
            NDArray biasGrad = linear.getParameters().get("bias").getArray().getGradient();
            biasGrad.attach(step);
            assertArrayEquals(new float[] {-0.5f, -0.5f}, biasGrad.toFloatArray());
            // and a second round trip reads what was written
            assertArrayEquals(flat, buffer.read(step));
        }
    }

    @Test
    void read_bufferTooShort_throwsNamingTheSizes() {
        GradientBuffer buffer = GradientBuffer.of(linear);
        try (NDManager step = manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> buffer.read(step, new float[9], 2));
            assertTrue(e.getMessage().contains("9 floats from offset 2"), e.getMessage());
        }
    }

    @Test
    void hostCopyWrite_withoutView_setsValuesInPlace() {
        NDArray a = HostArrays.create(manager, new float[] {1, 2, 3, 4}, new Shape(2, 2));
        HostCopy.write(a, new float[] {9, 5, 6, 7, 8}, 1, false);
        assertArrayEquals(new float[] {5, 6, 7, 8}, a.toFloatArray());
    }

    @Test
    void viewWritesThrough_nonContiguousArray_falseAndUnchanged() {
        NDArray a = HostArrays.create(manager, new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
        NDArray transposed = a.transpose();
        assertFalse(HostCopy.viewWritesThrough(transposed, () -> transposed));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray());
        assertTrue(HostCopy.viewWritesThrough(a, () -> a));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray(), "the probe restores the value");
    }

    @Test
    void batchNormStatistics_readWrite_runningMeanThenVarInPlace() {
        BatchNorm bn = BatchNorm.builder().build();
        bn.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 4, 4));
        BatchNormStatistics stats = BatchNormStatistics.of(bn, null);
        assertEquals(List.of("0:runningMean", "0:runningVar"), stats.names());
        float[] flat = new float[6];
        stats.read(flat, 0);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, flat);
        stats.write(new float[] {-1, 1, 2, 3, 4, 5, 6}, 1);
        assertArrayEquals(new float[] {1, 2, 3}, bn.getParameters().get("runningMean").getArray().toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6}, bn.getParameters().get("runningVar").getArray().toFloatArray());
    }

    @Test
    void of_blockWithoutTrainableParameters_throws() {
        BatchNorm bn = BatchNorm.builder().optCenter(false).optScale(false).build();
        bn.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> GradientBuffer.of(bn));
    }
}
