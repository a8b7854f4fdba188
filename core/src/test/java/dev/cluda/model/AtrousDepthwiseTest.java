package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AtrousDepthwiseTest {

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
    void cornerTap_shiftsTheImageByTheDilation() {
        // 5×5 ramp, 3×3 kernel with only the top-left tap: y[h, w] = x[h − 2, w − 2] (zero outside)
        NDArray x = manager.arange(25f).reshape(1, 1, 5, 5);
        float[] kernel = new float[9];
        kernel[0] = 1;
        NDArray w = manager.create(kernel, new Shape(1, 1, 3, 3));
        float[] expected = new float[25];
        for (int h = 2; h < 5; h++) {
            for (int c = 2; c < 5; c++) {
                expected[h * 5 + c] = (h - 2) * 5 + (c - 2);
            }
        }
        assertArrayEquals(expected, AtrousDepthwise.apply(x, w, 2).toFloatArray(), 0f);
    }

    /** Forward values and both gradients against libtorch's dilated depthwise convolution. */
    @ParameterizedTest(name = "B={0} C={1} {2}x{3} k={4} d={5}")
    @CsvSource({
        "2, 3, 32, 32, 3, 6",
        "2, 4, 32, 32, 3, 12",
        "1, 2, 32, 32, 3, 18",
        "2, 3, 7, 5, 3, 3",
        "1, 2, 5, 9, 3, 12",
        "1, 3, 11, 13, 5, 2",
        "2, 2, 6, 6, 3, 1",
    })
    void matchesTheDilatedConvolution_valuesAndGradients(int b, int c, int h, int w, int k, int d) {
        SplittableRandom random = new SplittableRandom(7L * h + d);
        float[] xs = new float[b * c * h * w];
        float[] ws = new float[c * k * k];
        float[] gs = new float[b * c * h * w];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) random.nextDouble(-1, 1);
            gs[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < ws.length; i++) {
            ws[i] = (float) random.nextDouble(-1, 1);
        }
        Shape xShape = new Shape(b, c, h, w);
        Shape wShape = new Shape(c, 1, k, k);
        NDArray upstream = manager.create(gs, xShape);

        NDArray x1 = manager.create(xs, xShape);
        NDArray w1 = manager.create(ws, wShape);
        x1.setRequiresGradient(true);
        w1.setRequiresGradient(true);
        NDArray y1;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            y1 = AtrousDepthwise.apply(x1, w1, d);
            gc.backward(y1.mul(upstream).sum());
        }

        NDArray x2 = manager.create(xs, xShape);
        NDArray w2 = manager.create(ws, wShape);
        x2.setRequiresGradient(true);
        w2.setRequiresGradient(true);
        NDArray y2;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            int pad = d * (k / 2);
            y2 = Conv2d.conv2d(x2, w2, null, new Shape(1, 1), new Shape(pad, pad), new Shape(d, d), c).head();
            gc.backward(y2.mul(upstream).sum());
        }

        assertEquals(xShape, y1.getShape());
        assertArrayEquals(y2.toFloatArray(), y1.toFloatArray(), 1e-5f, "output");
        assertArrayEquals(x2.getGradient().toFloatArray(), x1.getGradient().toFloatArray(), 1e-5f, "input gradient");
        assertArrayEquals(w2.getGradient().toFloatArray(), w1.getGradient().toFloatArray(), 1e-4f, "weight gradient");
    }

    @Test
    void rejectsANonDepthwiseWeight() {
        NDArray x = manager.zeros(new Shape(1, 2, 4, 4));
        NDArray w = manager.zeros(new Shape(2, 2, 3, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtrousDepthwise.apply(x, w, 2));
        assertEquals(true, e.getMessage().contains("weight (C, 1, k, k)"), e.getMessage());
    }
}
