package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PseudoLabelerTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static double sigmoid(double a) {
        return 1.0 / (1.0 + Math.exp(-a));
    }

    /**
     * B = 2, K = 2, H = W = 2; for two classes with logits (a, 0) the max probability is
     * sigmoid(|a|). Per-pixel (logit class 0, logit class 1) and max p:
     * image 0: (5,0) 0.9933 yes, (0,4) 0.9820 yes, (1,0) 0.7311 no, (0,0.5) 0.6225 no -> q = 2/4
     * image 1: (10,0) yes, (0,10) yes, (3.5,0) 0.97069 yes, (3.3,0) 0.96443 no -> q = 3/4.
     */
    private NDArray logits() {
        float[][] pixels = {{5, 0}, {0, 4}, {1, 0}, {0, 0.5f}, {10, 0}, {0, 10}, {3.5f, 0}, {3.3f, 0}};
        float[] data = new float[16];
        for (int i = 0; i < 8; i++) {
            int b = i / 4;
            int hw = i % 4;
            data[b * 8 + hw] = pixels[i][0];
            data[b * 8 + 4 + hw] = pixels[i][1];
        }
        return manager.create(data, new Shape(2, 2, 2, 2));
    }

    @Test
    void label_handMadeLogits_argmaxAndPerImageConfidence() {
        try (PseudoLabels pl = PseudoLabeler.withDefaultThreshold().label(logits(), (NDArray) null)) {
            assertEquals(new Shape(2, 2, 2), pl.labels().getShape());
            assertEquals(DataType.INT64, pl.labels().getDataType());
            assertArrayEquals(new long[] {0, 1, 0, 1, 0, 1, 0, 0}, pl.labels().toLongArray());
            // per image, not the per-batch 5/8
            assertArrayEquals(new float[] {0.5f, 0.75f}, pl.confidence());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.75f, 0.75f, 0.75f, 0.75f},
                    pl.weights().toFloatArray());
            double mean = (sigmoid(5) + sigmoid(4) + sigmoid(1) + sigmoid(0.5) + sigmoid(10) + sigmoid(10)
                    + sigmoid(3.5) + sigmoid(3.3)) / 8;
            assertEquals(mean, pl.meanMaxProbability(), 1e-6);
        }
    }

    @Test
    void label_probabilityEqualToThreshold_counts() {
        // logits (0, 0): p = 0.5 exactly; the comparison is >=
        NDArray ties = manager.zeros(new Shape(1, 2, 1, 2));
        try (PseudoLabels pl = new PseudoLabeler(0.5).label(ties, (NDArray) null)) {
            assertArrayEquals(new float[] {1f}, pl.confidence());
        }
        try (PseudoLabels pl = new PseudoLabeler(0.5000001).label(ties, (NDArray) null)) {
            assertArrayEquals(new float[] {0f}, pl.confidence());
        }
    }

    @Test
    void label_withValidityMask_zeroesMarginsAfterConfidence() {
        // (H, W) mask: right column ignored; q is still computed over all pixels of the image
        NDArray mask = manager.create(new float[] {1, 0, 1, 0}, new Shape(2, 2));
        try (PseudoLabels pl = PseudoLabeler.withDefaultThreshold().label(logits(), mask)) {
            assertArrayEquals(new float[] {0.5f, 0.75f}, pl.confidence());
            assertArrayEquals(new float[] {0.5f, 0f, 0.5f, 0f, 0.75f, 0f, 0.75f, 0f}, pl.weights().toFloatArray());
        }
        // (B, H, W) uint8 mask, one per image (as cropped by the data pipeline)
        NDArray perImage = manager.create(new byte[] {1, 1, 1, 1, 0, 0, 1, 1}, new Shape(2, 2, 2)).toType(
                DataType.UINT8, false);
        try (PseudoLabels pl = PseudoLabeler.withDefaultThreshold().label(logits(), perImage)) {
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0f, 0f, 0.75f, 0.75f}, pl.weights().toFloatArray());
        }
    }

    @Test
    void label_daformerCropMargins_zeroTopRow() {
        try (PseudoLabels pl = PseudoLabeler.withDefaultThreshold().label(logits(), PseudoMargins.cropRows(1, 0))) {
            assertArrayEquals(new float[] {0f, 0f, 0.5f, 0.5f, 0f, 0f, 0.75f, 0.75f}, pl.weights().toFloatArray());
        }
    }

    @Test
    void label_wrongRankOrMaskShape_throws() {
        PseudoLabeler labeler = PseudoLabeler.withDefaultThreshold();
        assertThrows(IllegalArgumentException.class, () -> labeler.label(manager.zeros(new Shape(2, 2, 2)),
                (NDArray) null));
        assertThrows(IllegalArgumentException.class, () -> labeler.label(logits(), manager.ones(new Shape(3, 2))));
    }
}
