package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianBlurTest {

    private static final double E = Math.exp(-0.5); // sigma = 1, |x| = 1
    private static final double K0 = E / (1 + 2 * E);
    private static final double K1 = 1 / (1 + 2 * E);

    @Test
    void kernelSize_daformerRule_oddNearestTenPercent() {
        assertEquals(51, GaussianBlur.kernelSize(512));
        assertEquals(103, GaussianBlur.kernelSize(1024));
        assertEquals(1, GaussianBlur.kernelSize(5));   // ceil(0.5) = 1
        assertEquals(1, GaussianBlur.kernelSize(20));  // ceil(2) = 2 -> 1.5 -> 1
        assertEquals(3, GaussianBlur.kernelSize(21));  // ceil(2.1) = 3 -> 3.5 -> 3
        assertEquals(71, GaussianBlur.kernelSize(704));  // ceil(70.4) = 71
        assertEquals(127, GaussianBlur.kernelSize(1280)); // 128 -> 127
    }

    @Test
    void kernel_size3Sigma1_normalisedGaussian() {
        assertArrayEquals(new double[] {K0, K1, K0}, GaussianBlur.kernel(3, 1.0), 1e-12);
    }

    @Test
    void apply_deltaImage_outerProductOfKernels() {
        FloatImage delta = FloatImage.zeros(1, 21, 21); // kernel 3 per axis
        delta.set(0, 10, 10, 1f);
        FloatImage out = GaussianBlur.apply(delta, 1.0);
        double[] k = {K0, K1, K0};
        double total = 0;
        for (int y = 0; y < 21; y++) {
            for (int x = 0; x < 21; x++) {
                int dy = y - 9;
                int dx = x - 9;
                double expected = dy >= 0 && dy < 3 && dx >= 0 && dx < 3 ? k[dy] * k[dx] : 0;
                assertEquals(expected, out.get(0, y, x), 1e-6, "at " + x + "," + y);
                total += out.get(0, y, x);
            }
        }
        assertEquals(1.0, total, 1e-5);
    }

    @Test
    void apply_deltaAtEdge_reflectBorderWithoutEdgeRepeat() {
        FloatImage row = new FloatImage(1, 1, 5, new float[] {1, 0, 0, 0, 0});
        FloatImage out = GaussianBlur.apply(row, 1, 3, 1.0);
        // padded: [0 | 1 0 0 0 0 | 0]; 'replicate' would give K1 + K0 at x = 0
        assertArrayEquals(new float[] {(float) K1, (float) K0, 0, 0, 0}, out.data(), 1e-6f);
    }

    @Test
    void apply_separable_equalsBruteForce2dReflect() {
        SplittableRandom rng = new SplittableRandom(11);
        int h = 6;
        int w = 7;
        FloatImage img = FloatImage.zeros(2, h, w);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = (float) rng.nextDouble();
        }
        double sigma = 0.9;
        double[] ky = GaussianBlur.kernel(5, sigma);
        double[] kx = GaussianBlur.kernel(3, sigma);
        FloatImage out = GaussianBlur.apply(img, 5, 3, sigma);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int a = 0; a < 5; a++) {
                        for (int b = 0; b < 3; b++) {
                            acc += ky[a] * kx[b] * img.get(c, mirror(y + a - 2, h), mirror(x + b - 1, w));
                        }
                    }
                    assertEquals(acc, out.get(c, y, x), 1e-5);
                }
            }
        }
    }

    @Test
    void apply_fullSize512_constantImageUnchanged() {
        FloatImage img = FloatImage.zeros(3, 512, 512);
        java.util.Arrays.fill(img.data(), 0.25f);
        FloatImage out = GaussianBlur.apply(img, new SplittableRandom(2));
        assertEquals(0.25f, out.get(0, 0, 0), 1e-5f);
        assertEquals(0.25f, out.get(2, 511, 300), 1e-5f);
    }

    private static int mirror(int i, int n) {
        return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i);
    }
}
