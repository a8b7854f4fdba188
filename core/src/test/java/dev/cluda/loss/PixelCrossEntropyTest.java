package dev.cluda.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class PixelCrossEntropyTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    /** (B, K, H, W) = (1, 3, 1, 2): pixel 0 logits (1, 2, 3), pixel 1 logits (5, 0, -5). */
    private NDArray logits() {
        return manager.create(new float[] {1f, 5f, 2f, 0f, 3f, -5f}, new Shape(1, 3, 1, 2));
    }

    @Test
    void compute_weightAndIgnorePixel_matchesHandValue() {
        NDArray labels = manager.create(new int[] {2, 255}, new Shape(1, 1, 2));
        NDArray weights = manager.create(new float[] {0.5f, 7f}, new Shape(1, 1, 2));
        // -log softmax(1,2,3)[2] = log(e + e^2 + e^3) - 3 = 0.40760596; weight 0.5; ignored pixel
        // adds 0 but counts: divide by B*H*W = 2.
        float loss = PixelCrossEntropy.compute(logits(), labels, weights).getFloat();
        assertEquals(0.5 * 0.40760596 / 2, loss, 1e-6);
    }

    @Test
    void compute_noWeights_averagesOverAllPixels() {
        NDArray labels = manager.create(new int[] {0, 1}, new Shape(1, 1, 2));
        // pixel 0: log(e + e^2 + e^3) - 1 = 2.40760596; pixel 1: log(e^5 + 1 + e^-5) - 0 = 5.00676043
        float loss = PixelCrossEntropy.compute(logits(), labels).getFloat();
        assertEquals((2.40760596 + 5.00676043) / 2, loss, 1e-5);
    }

    @Test
    void compute_gradient_isWeightedSoftmaxMinusOneHotOverPixelCount() {
        NDArray logits = logits();
        logits.setRequiresGradient(true);
        NDArray labels = manager.create(new int[] {2, 255}, new Shape(1, 1, 2));
        NDArray weights = manager.create(new float[] {0.5f, 7f}, new Shape(1, 1, 2));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(PixelCrossEntropy.compute(logits, labels, weights));
        }
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        double scale = 0.5 / 2;
        float[] expected = {
            (float) (scale * Math.exp(1) / z), 0f,
            (float) (scale * Math.exp(2) / z), 0f,
            (float) (scale * (Math.exp(3) / z - 1)), 0f};
        assertArrayEquals(expected, logits.getGradient().toFloatArray(), 1e-6f);
    }

    @Test
    void compute_labelOutOfRange_throws() {
        NDArray labels = manager.create(new int[] {3, 255}, new Shape(1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> PixelCrossEntropy.compute(logits(), labels));
    }

    @Test
    void compute_labelSizeDiffersFromLogits_throws() {
        NDArray labels = manager.create(new int[] {0, 1, 2, 0}, new Shape(1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> PixelCrossEntropy.compute(logits(), labels));
    }

    @Test
    void compute_resultBelongsToLogitsManager() {
        NDArray labels = manager.create(new int[] {0, 1}, new Shape(1, 1, 2));
        NDArray loss = PixelCrossEntropy.compute(logits(), labels);
        assertEquals(manager, loss.getManager());
    }
}
