package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
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

        int pad = d * (k / 2);
        NDArray[] phases = convolve(xs, xShape, ws, wShape, upstream, (in, kernel) -> AtrousDepthwise.apply(in, kernel, d));
        NDArray[] dilated = convolve(xs, xShape, ws, wShape, upstream, (in, kernel) ->
                Conv2d.conv2d(in, kernel, null, new Shape(1, 1), new Shape(pad, pad), new Shape(d, d), c).head());

        assertEquals(xShape, phases[0].getShape());
        assertArrayEquals(dilated[0].toFloatArray(), phases[0].toFloatArray(), 1e-5f, "output");
        assertArrayEquals(dilated[1].toFloatArray(), phases[1].toFloatArray(), 1e-5f, "input gradient");
        assertArrayEquals(dilated[2].toFloatArray(), phases[2].toFloatArray(), 1e-4f, "weight gradient");
    }

    /** {@code conv(x, w)}, then backward of {@code sum(y · upstream)}: {output, x's gradient, w's gradient}. */
    private NDArray[] convolve(float[] xs, Shape xShape, float[] ws, Shape wShape, NDArray upstream,
                               BinaryOperator<NDArray> conv) {
        NDArray x = manager.create(xs, xShape);
        NDArray w = manager.create(ws, wShape);
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        NDArray y;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            y = conv.apply(x, w);
            gc.backward(y.mul(upstream).sum());
        }
        return new NDArray[] {y, x.getGradient(), w.getGradient()};
    }

    @Test
    void rejectsANonDepthwiseWeight() {
        NDArray x = manager.zeros(new Shape(1, 2, 4, 4));
        NDArray w = manager.zeros(new Shape(2, 2, 3, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtrousDepthwise.apply(x, w, 2));
        assertEquals(true, e.getMessage().contains("weight (C, 1, k, k)"), e.getMessage());
    }

    @Test
    void phaseForm_onlyOnACpuPassWithTwoOrMoreIntraOpThreads() {
        assertEquals(true, ConvBnRelu.phaseForm(Device.cpu(), 2));
        assertEquals(true, ConvBnRelu.phaseForm(Device.cpu(), 16));
        assertEquals(false, ConvBnRelu.phaseForm(Device.cpu(), 1), "a concurrent pass has one thread");
        assertEquals(false, ConvBnRelu.phaseForm(Device.gpu(0), 16), "a GPU has its own dilated kernels");
    }
}
