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
class FeatureDistanceLossTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Two 8×8 label maps, s = 4, so a 2×2 grid of 4×4 windows.
     * Image 0: (0,0) all car 13; (0,1) person 11 with its last column road (12/16 = 0.75, kept);
     * (1,0) car with 5 of 16 pixels 255 (11/16 < 0.75, ignored); (1,1) all pole 5 (stuff).
     * Image 1: (0,0) 12 of 16 are 255 (arg-max is ignore); (0,1) 13/16 sky 10, rest car;
     * (1,0) all bicycle 18; (1,1) half car, half person (0.5, ignored).
     */
    private NDArray labels() {
        int[] y = new int[2 * 8 * 8];
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                int top = r < 4 ? 0 : 1;
                int left = c < 4 ? 0 : 1;
                int a;
                int b;
                if (top == 0 && left == 0) {
                    a = 13;
                    b = r < 3 ? 255 : 13;
                } else if (top == 0) {
                    a = c == 7 ? 0 : 11;
                    b = (r == 3 && c > 4) ? 13 : 10;
                } else if (left == 0) {
                    a = (r == 7 || (r == 6 && c == 0)) ? 255 : 13;
                    b = 18;
                } else {
                    a = 5;
                    b = c < 6 ? 13 : 11;
                }
                y[r * 8 + c] = a;
                y[64 + r * 8 + c] = b;
            }
        }
        return manager.create(y, new Shape(2, 8, 8));
    }

    @Test
    void downscaleLabels_ratioPooling_matchesHandValues() {
        int[] out = FeatureDistanceLoss.builder().build().downscaleLabels(labels(), 2, 2).toIntArray();
        assertArrayEquals(new int[] {13, 11, 255, 5, 255, 10, 18, 255}, out);
    }

    @Test
    void thingMask_handBuiltLabels_keepsThingCellsOnly() {
        boolean[] mask = FeatureDistanceLoss.builder().build().thingMask(labels(), 2, 2).toBooleanArray();
        assertArrayEquals(new boolean[] {true, true, false, false, false, false, true, false}, mask);
    }

    @Test
    void thingMask_lowerMinRatio_keepsPartlyIgnoredWindow() {
        boolean[] mask = FeatureDistanceLoss.builder().optMinRatio(0.6f).build().thingMask(labels(), 2, 2)
                .toBooleanArray();
        assertArrayEquals(new boolean[] {true, true, true, false, false, false, true, false}, mask);
    }

    /** (B, C, h, w) = (2, 2, 2, 2), laid out from per-cell vectors in order (image, row, column). */
    private NDArray feature(float[][] cells) {
        float[] data = new float[16];
        for (int i = 0; i < 8; i++) {
            int image = i / 4;
            int cell = i % 4;
            for (int ch = 0; ch < 2; ch++) {
                data[(image * 2 + ch) * 4 + cell] = cells[i][ch];
            }
        }
        return manager.create(data, new Shape(2, 2, 2, 2));
    }

    private static final float[][] IMAGENET = {
        {0.5f, -1f}, {2f, 0f}, {1f, 1f}, {0f, 3f}, {-2f, 1f}, {1f, 2f}, {0.25f, 0.5f}, {3f, -1f}};
    /** Differences: masked cells 0, 1, 6 differ by (3,4), (0,-1), (0,2): norms 5, 1, 2; the rest by 100s. */
    private static final float[][] DIFF = {
        {3f, 4f}, {0f, -1f}, {100f, 0f}, {0f, 100f}, {100f, 100f}, {-100f, 0f}, {0f, 2f}, {50f, 50f}};

    private static float[][] plus(float[][] a, float[][] b) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new float[] {a[i][0] + b[i][0], a[i][1] + b[i][1]};
        }
        return out;
    }

    @Test
    void compute_tinyFeatures_isLambdaTimesMeanNormOverThingCells() {
        FeatureDistanceLoss fd = FeatureDistanceLoss.builder().build();
        float value = fd.compute(feature(plus(IMAGENET, DIFF)), feature(IMAGENET), labels()).getFloat();
        assertEquals(0.005 * (5 + 1 + 2) / 3.0, value, 1e-7);
        float unit = FeatureDistanceLoss.builder().optLambda(1f).build()
                .compute(feature(plus(IMAGENET, DIFF)), feature(IMAGENET), labels()).getFloat();
        assertEquals(8 / 3.0, unit, 1e-5);
    }

    @Test
    void compute_gradient_flowsToStudentOnlyAsUnitDifferenceOverCount() {
        NDArray student = feature(plus(IMAGENET, DIFF));
        NDArray imagenet = feature(IMAGENET);
        student.setRequiresGradient(true);
        imagenet.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(FeatureDistanceLoss.builder().optLambda(3f).build().compute(student, imagenet, labels()));
        }
        // λ / |mask| = 1: gradient is diff / ‖diff‖ on the masked cells, 0 elsewhere.
        float[][] expectedCells = {{0.6f, 0.8f}, {0f, -1f}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0f, 1f}, {0, 0}};
        assertArrayEquals(feature(expectedCells).toFloatArray(), student.getGradient().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[16], imagenet.getGradient().toFloatArray(), 0f);
    }

    @Test
    void compute_identicalFeaturesOnMask_zeroLossAndFiniteZeroGradient() {
        NDArray student = feature(IMAGENET);
        student.setRequiresGradient(true);
        NDArray value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            value = FeatureDistanceLoss.builder().build().compute(student, feature(IMAGENET), labels());
            collector.backward(value);
        }
        assertEquals(0f, value.getFloat());
        assertArrayEquals(new float[16], student.getGradient().toFloatArray(), 0f);
    }

    @Test
    void compute_emptyMask_isExactlyZeroWithZeroGradient() {
        int[] stuff = new int[2 * 8 * 8];
        java.util.Arrays.fill(stuff, 2);
        stuff[0] = 13;
        stuff[100] = 255;
        NDArray student = feature(plus(IMAGENET, DIFF));
        student.setRequiresGradient(true);
        NDArray value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            value = FeatureDistanceLoss.builder().build()
                    .compute(student, feature(IMAGENET), manager.create(stuff, new Shape(2, 8, 8)));
            collector.backward(value);
        }
        assertEquals(0f, value.getFloat());
        assertArrayEquals(new float[16], student.getGradient().toFloatArray(), 0f);
    }

    @Test
    void compute_callerMistakes_throw() {
        FeatureDistanceLoss fd = FeatureDistanceLoss.builder().build();
        NDArray f = feature(IMAGENET);
        assertThrows(IllegalArgumentException.class,
                () -> fd.compute(f, manager.zeros(new Shape(2, 2, 2, 3)), labels()));
        assertThrows(IllegalArgumentException.class,
                () -> fd.compute(f, f, manager.zeros(new Shape(2, 8, 12))));
        assertThrows(IllegalArgumentException.class, () -> fd.thingMask(labels(), 3, 3));
        NDArray bad = manager.full(new Shape(2, 8, 8), 19);
        assertThrows(IllegalArgumentException.class, () -> fd.thingMask(bad, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> FeatureDistanceLoss.builder().optMinRatio(1.5f).build());
        assertThrows(IllegalArgumentException.class, () -> FeatureDistanceLoss.builder().optLambda(-1f).build());
    }
}
