package dev.cluda.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scalar of {@link Scalars} survives garbage collection between forward and backward (DJL's
 * own {@code mul(Number)} does not: its from_blob scalar is freed under the autograd graph).
 */
class ScalarsTest {

    /** Frees unreachable direct buffers and refills the native heap with NaN bytes. */
    private static void churnDirectMemory() {
        List<ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            System.gc();
            for (int i = 0; i < 200; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(64);
                while (b.remaining() >= 4) {
                    b.putFloat(Float.NaN);
                }
                junk.add(b);
            }
        }
        junk.clear();
    }

    @Test
    void mulAndDiv_gradientsUseTheRightScalarAfterGc() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = HostArrays.create(m, new float[] {1f, -2f, 4f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Scalars.div(Scalars.mul(x, 3.0), 0.5).sum(); // 6 x
                churnDirectMemory();
                gc.backward(y);
            }
            assertArrayEquals(new float[] {6f, 6f, 6f}, x.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    void hostArrays_valuesSurviveClosingTheBlobAndGc() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = HostArrays.create(m, new float[] {1.5f, 2.5f});
            NDArray s = HostArrays.scalar(m, 7.0);
            churnDirectMemory();
            assertArrayEquals(new float[] {1.5f, 2.5f}, a.toFloatArray(), 0f);
            assertArrayEquals(new double[] {7.0}, s.toDoubleArray(), 0.0);
        }
    }
}
