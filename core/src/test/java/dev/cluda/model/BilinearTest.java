package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class BilinearTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    /** [[0, 1], [2, 3]] as (1, 1, 2, 2). */
    private NDArray square() {
        return manager.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
    }

    @Test
    void resize_2x2to3x3_bothModes_halfStepsBetweenCorners() {
        // align_corners=true: src = d/2; false: src = 2/3·(d + 0.5) − 0.5 = (−1/6 → 0, 0.5, 7/6 → clamp) — same grid.
        float[] expected = {0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3};
        assertArrayEquals(expected, Bilinear.resize(square(), 3, 3, true).toFloatArray(), 1e-6f);
        assertArrayEquals(expected, Bilinear.resize(square(), 3, 3, false).toFloatArray(), 1e-6f);
    }

    @Test
    void resize_2x2to4x4_alignCornersTrue_thirds() {
        // src = d/3: row weights (1,0), (2/3,1/3), (1/3,2/3), (0,1); value = x + 2y at fractional (x, y).
        float[] t = {0, 1 / 3f, 2 / 3f, 1};
        float[] expected = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                expected[y * 4 + x] = t[x] + 2 * t[y];
            }
        }
        NDArray out = Bilinear.resize(square(), 4, 4, true);
        assertEquals(new Shape(1, 1, 4, 4), out.getShape());
        assertArrayEquals(expected, out.toFloatArray(), 1e-6f);
    }

    @Test
    void resize_2x2to4x4_alignCornersFalse_quartersWithClampedBorders() {
        // src = (d + 0.5)/2 − 0.5 = −0.25 → 0, 0.25, 0.75, 1.25 → 1 (right neighbour clamped).
        float[] t = {0, 0.25f, 0.75f, 1};
        float[] expected = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                expected[y * 4 + x] = t[x] + 2 * t[y];
            }
        }
        assertArrayEquals(expected, Bilinear.resize(square(), 4, 4, false).toFloatArray(), 1e-6f);
    }

    @Test
    void resize_4x4to2x2_alignCornersFalse_averagesPairs() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i * i; // not linear, so a wrong pair would show
        }
        NDArray x = manager.create(v, new Shape(1, 1, 4, 4));
        float[] expected = new float[4];
        for (int y = 0; y < 2; y++) {
            for (int xx = 0; xx < 2; xx++) {
                int r = 2 * y;
                int c = 2 * xx;
                expected[y * 2 + xx] = (v[r * 4 + c] + v[r * 4 + c + 1] + v[(r + 1) * 4 + c] + v[(r + 1) * 4 + c + 1]) / 4;
            }
        }
        assertArrayEquals(expected, Bilinear.resize(x, 2, 2, false).toFloatArray(), 1e-4f);
    }

    @Test
    void resize_4x4to2x2_alignCornersTrue_picksCorners() {
        NDArray x = manager.arange(16f).reshape(1, 1, 4, 4);
        assertArrayEquals(new float[] {0, 3, 12, 15}, Bilinear.resize(x, 2, 2, true).toFloatArray(), 1e-6f);
    }

    @Test
    void resize_nonSquareBatchAndChannels_resizesEachPlaneAlike() {
        NDArray x = manager.arange(2 * 3 * 2 * 3f).reshape(2, 3, 2, 3);
        NDArray out = Bilinear.resize(x, 5, 7, false);
        assertEquals(new Shape(2, 3, 5, 7), out.getShape());
        // every plane is the first plane plus a constant offset (linearity)
        NDArray first = out.get("0, 0");
        NDArray last = out.get("1, 2");
        assertArrayEquals(first.add(5 * 6f).toFloatArray(), last.toFloatArray(), 1e-4f);
    }

    @Test
    void resize_5to3_alignCornersFalse_noAntialiasing() {
        // src = (d + 0.5)·5/3 − 0.5 = 1/3, 2, 11/3 (torch's default antialias=False; DJL's engine
        // interpolation antialiases when downscaling and gives 3/7, 2, 25/7 instead).
        NDArray x = manager.arange(5f).reshape(1, 1, 1, 5);
        assertArrayEquals(new float[] {1 / 3f, 2, 11 / 3f}, Bilinear.resize(x, 1, 3, false).toFloatArray(), 1e-5f);
    }

    @Test
    void resize_upscale_matchesEngineInterpolationForAlignCornersFalse() {
        SplittableRandom random = new SplittableRandom(7);
        float[] v = new float[2 * 3 * 5 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        NDArray x = manager.create(v, new Shape(2, 3, 5, 6));
        for (long[] size : new long[][] {{11, 13}, {5, 17}, {8, 6}}) { // upscales only: see the 5→3 test
            NDArray ours = Bilinear.resize(x, size[0], size[1], false);
            NDArray engine = x.getNDArrayInternal().interpolation(size, 1, false);
            assertArrayEquals(engine.toFloatArray(), ours.toFloatArray(), 1e-5f, "size " + size[0] + "x" + size[1]);
        }
    }

    @Test
    void resize_gradientIsTransposedInterpolation() {
        NDArray x = square();
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Bilinear.resize(x, 4, 4, true);
            gc.backward(y.sum());
        }
        // column sums of the align_corners 2→4 matrix are (2, 2): every input gets 2·2 = 4
        assertArrayEquals(new float[] {4, 4, 4, 4}, x.getGradient().toFloatArray(), 1e-5f);
    }

    @Test
    void resize_sameSize_keepsTheGradientPath() {
        NDArray x = square();
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(Bilinear.resize(x, 2, 2, false).mul(3f).sum());
        }
        assertArrayEquals(new float[] {3, 3, 3, 3}, x.getGradient().toFloatArray(), 1e-6f);
    }

    @Test
    void resize_resultBelongsToInputManagerAndSurvivesTemporaries() {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
            NDArray y = Bilinear.resize(x, 3, 4, true);
            assertEquals(step, y.getManager());
            assertEquals(12, y.toFloatArray().length);
        }
    }

    @Test
    void nearest_labels_2x2to4x4_andDownscale() {
        NDArray labels = manager.create(new int[] {1, 2, 3, 255}, new Shape(1, 2, 2));
        NDArray up = Bilinear.nearest(labels, 4, 4);
        assertEquals(DataType.INT32, up.getDataType());
        assertArrayEquals(new int[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 255, 255, 3, 3, 255, 255}, up.toIntArray());
        NDArray big = manager.arange(16).reshape(1, 1, 4, 4);
        // src = floor(d·4/3): 0, 1, 2
        assertArrayEquals(new int[] {0, 1, 2, 4, 5, 6, 8, 9, 10}, Bilinear.nearest(big, 3, 3).toIntArray());
        // src = floor(d·2): 0, 2
        assertArrayEquals(new int[] {0, 2, 8, 10}, Bilinear.nearest(big, 2, 2).toIntArray());
    }

    @Test
    void resize_badArguments_throw() {
        assertThrows(IllegalArgumentException.class, () -> Bilinear.resize(square(), 0, 3, false));
        assertThrows(IllegalArgumentException.class,
                () -> Bilinear.resize(manager.create(new float[] {1}), 2, 2, false));
    }
}
