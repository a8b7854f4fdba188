package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cluda.model.HrdaFusion.Order;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class HrdaInferenceTest {

    private static final ModelSpec TINY_HRDA = new ModelSpec("mit_b0", 16, 8, 5, 0.1)
            .withMultiResolutionHeads(true, 16, false);

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    @Test
    void predict_windowCoversTheImage_equalsUnmaskedFusionOfTheTwoPasses() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 64));
        NDArray lrImage = Bilinear.resize(image, 32, 32, false);
        SegmentationModel.Output lr = model.forwardAll(ps, lrImage, false);
        NDArray attention = model.scaleAttention(ps, lr.encoderFeatures(), false);
        NDArray hr = model.forwardAll(ps, image, false).logits();
        for (Order order : Order.values()) {
            NDArray expected = HrdaFusion.fuseUnmasked(lr.logits(), hr, attention, 0.5, order);
            NDArray predicted = HrdaInference.predict(model, ps, image, 0.5, 64, 32, order);
            assertEquals(new Shape(2, 5, 16, 16), predicted.getShape());
            assertArrayEquals(expected.toFloatArray(), predicted.toFloatArray(), 1e-5f, order.name());
        }
    }

    @Test
    void predict_slidingHrBranch_logitsAtStride4() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray image = manager.randomNormal(new Shape(1, 3, 64, 96));
        NDArray hr = SlidingWindow.average(image, 32, 16, 4, 5, w -> model.forwardAll(ps, w, false).logits());
        NDArray lrLogits = model.forwardAll(ps, Bilinear.resize(image, 32, 48, false), false).logits();
        NDArray attention = model.scaleAttention(ps,
                model.forwardAll(ps, Bilinear.resize(image, 32, 48, false), false).encoderFeatures(), false);
        NDArray expected = HrdaFusion.fuseUnmasked(lrLogits, hr, attention, 0.5, Order.CLUDA);
        NDArray predicted = HrdaInference.predict(model, ps, image, 0.5, 32, 16, Order.CLUDA);
        assertEquals(new Shape(1, 5, 16, 24), predicted.getShape());
        assertArrayEquals(expected.toFloatArray(), predicted.toFloatArray(), 1e-5f);
    }

    @Test
    void predict_trainingMode_batchStatistics_deterministicWithDropoutOff() {
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray image = manager.randomNormal(new Shape(2, 3, 64, 64));
        model.setDropoutEnabled(false);
        float[] a = HrdaInference.predict(model, ps, image, 0.5, 32, 16, Order.HRDA, true).toFloatArray();
        model.reseedDropout(5);
        float[] b = HrdaInference.predict(model, ps, image, 0.5, 32, 16, Order.HRDA, true).toFloatArray();
        float[] eval = HrdaInference.predict(model, ps, image, 0.5, 32, 16, Order.HRDA).toFloatArray();
        assertArrayEquals(a, b, 0f);
        assertFalse(java.util.Arrays.equals(a, eval), "batch statistics differ from running statistics");
    }

    @Test
    void predict_withoutAttentionHeadOrOnAnUnfitSize_clearMessage() {
        ParameterStore ps = new ParameterStore(manager, false);
        SegmentationModel plain = SegmentationModel.createInitialized(new ModelSpec("mit_b0", 16, 8, 5, 0.1), 1, manager);
        NDArray image = manager.randomNormal(new Shape(1, 3, 64, 64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HrdaInference.predict(plain, ps, image, 0.5, 32, 16, Order.HRDA));
        assertTrue(e.getMessage().contains("scale-attention head"), e.getMessage());
        SegmentationModel model = SegmentationModel.createInitialized(TINY_HRDA, 1, manager);
        e = assertThrows(IllegalArgumentException.class, () -> HrdaInference.predict(
                model, ps, manager.randomNormal(new Shape(1, 3, 60, 64)), 0.5, 32, 16, Order.HRDA));
        assertTrue(e.getMessage().contains("input size 60"), e.getMessage());
    }
}
