package dev.cluda.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.RgbImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SceneRendererTest {

    private static final int[] DRAWN = {0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18};

    @Test
    void render_strengthZero_isFlatSourceColourPlusSmallInstanceTint() {
        Scene scene = SyntheticScenes.generate(5, SynthSplit.TARGET_TRAIN, 0, 128, 64);
        RgbImage image = SceneRenderer.render(scene, 0.0, new SplittableRandom(1));
        int maxTint = 0;
        for (int y = 0; y < scene.height(); y++) {
            for (int x = 0; x < scene.width(); x++) {
                int[] colour = Palettes.source(scene.labels().get(x, y));
                boolean instance = scene.instanceIds()[y * scene.width() + x] != 0;
                for (int ch = 0; ch < 3; ch++) {
                    int d = Math.abs(image.get(x, y, ch) - colour[ch]);
                    if (!instance) {
                        assertEquals(0, d, "stuff pixel (" + x + ", " + y + ") must be flat");
                    }
                    maxTint = Math.max(maxTint, d);
                }
            }
        }
        assertTrue(maxTint > 0 && maxTint <= 12, "instance tint " + maxTint);
    }

    @Test
    void render_sameSceneAndSeed_sameBytes() {
        Scene scene = SyntheticScenes.generate(5, SynthSplit.TARGET_VAL, 3, 96, 48);
        byte[] a = SceneRenderer.renderTarget(scene, 1.0, 5, SynthSplit.TARGET_VAL, 3).rgb();
        byte[] b = SceneRenderer.renderTarget(scene, 1.0, 5, SynthSplit.TARGET_VAL, 3).rgb();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, SceneRenderer.renderTarget(scene, 1.0, 6, SynthSplit.TARGET_VAL, 3).rgb()));
    }

    @Test
    void render_fullStrength_changesTheMeanColourOfEveryClass() {
        Scene scene = SyntheticScenes.generate(5, SynthSplit.TARGET_TRAIN, 1, 128, 64);
        double[][] flat = classMeans(scene, SceneRenderer.render(scene, 0.0, new SplittableRandom(2)));
        double[][] camera = classMeans(scene, SceneRenderer.render(scene, 1.0, new SplittableRandom(2)));
        for (int c = 0; c < flat.length; c++) {
            if (flat[c][3] > 20) {
                double d = Math.sqrt(sq(flat[c][0] - camera[c][0]) + sq(flat[c][1] - camera[c][1])
                        + sq(flat[c][2] - camera[c][2]));
                assertTrue(d > 8, CityscapesClass.ofTrainId(c).displayName() + " moved only " + d);
            }
        }
    }

    @Test
    void render_strengthOutsideUnitInterval_throws() {
        Scene scene = SyntheticScenes.generate(5, SynthSplit.SOURCE, 0, 64, 32);
        assertThrows(IllegalArgumentException.class, () -> SceneRenderer.render(scene, 1.5, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> SceneRenderer.render(scene, Double.NaN, new SplittableRandom(1)));
    }

    @Test
    void blur_impulse_spreadsBinomialWeights() {
        int w = 3;
        int h = 3;
        float[] img = new float[w * h * 3];
        img[(1 * w + 1) * 3] = 16; // red impulse in the centre
        float[] full = SceneRenderer.blur(img, w, h, 1.0);
        assertEquals(4f, full[(1 * w + 1) * 3], 1e-6); // 16 * 2/4 * 2/4
        assertEquals(2f, full[(0 * w + 1) * 3], 1e-6); // 16 * 1/4 * 2/4
        assertEquals(1f, full[0], 1e-6); // corner: 16 * 1/4 * 1/4
        assertEquals(0f, full[1], 1e-6); // green untouched
        float[] half = SceneRenderer.blur(img, w, h, 0.5);
        assertEquals(10f, half[(1 * w + 1) * 3], 1e-6); // 16 + 0.5 * (4 - 16)
    }

    @Test
    void blur_constantImage_isUnchanged() {
        float[] img = new float[4 * 2 * 3];
        Arrays.fill(img, 77f);
        assertArrayEquals(img, SceneRenderer.blur(img, 4, 2, 1.0), 1e-4f);
    }

    @Test
    void palettes_targetColour_isShiftedButNearestItsOwnSourceColour() {
        for (int c : DRAWN) {
            int[] target = Palettes.target(c);
            double own = distance(target, Palettes.source(c));
            assertTrue(own >= 25, CityscapesClass.ofTrainId(c).displayName() + " shifted only " + own);
            for (int other : DRAWN) {
                if (other != c) {
                    double d = distance(target, Palettes.source(other));
                    assertTrue(own < 0.75 * d, CityscapesClass.ofTrainId(c).displayName() + " target is too close to "
                            + CityscapesClass.ofTrainId(other).displayName() + ": " + own + " vs " + d);
                }
            }
        }
    }

    @Test
    void textures_hashAndNoise_stayInRange() {
        for (int i = 0; i < 1000; i++) {
            double u = Textures.hash(i, -i, 3);
            double n = Textures.smooth(i, i * 7, 5, 3);
            assertTrue(u >= 0 && u < 1, "hash " + u);
            assertTrue(n >= -1 && n <= 1, "noise " + n);
        }
    }

    private static double[][] classMeans(Scene scene, RgbImage image) {
        double[][] m = new double[CityscapesClass.COUNT][4];
        for (int y = 0; y < scene.height(); y++) {
            for (int x = 0; x < scene.width(); x++) {
                double[] row = m[scene.labels().get(x, y)];
                for (int ch = 0; ch < 3; ch++) {
                    row[ch] += image.get(x, y, ch);
                }
                row[3]++;
            }
        }
        for (double[] row : m) {
            for (int ch = 0; ch < 3 && row[3] > 0; ch++) {
                row[ch] /= row[3];
            }
        }
        return m;
    }

    private static double distance(int[] a, int[] b) {
        return Math.sqrt(sq(a[0] - b[0]) + sq(a[1] - b[1]) + sq(a[2] - b[2]));
    }

    private static double sq(double v) {
        return v * v;
    }
}
