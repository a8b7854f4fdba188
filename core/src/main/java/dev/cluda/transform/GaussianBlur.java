package dev.cluda.transform;

import java.util.random.RandomGenerator;

/**
 * DAFormer's Gaussian blur of the mixed images (reference §2.5): kornia {@code GaussianBlur2d}
 * with σ ~ U(0.15, 1.15) drawn per call, kernel size per axis {@link #kernelSize} (the odd number
 * nearest 10% of that side), reflect border (torch {@code 'reflect'}: the edge pixel is not
 * repeated). Implemented as two separable 1-D passes, equal to kornia's 2-D outer-product kernel.
 */
final class GaussianBlur {

    /** σ is drawn uniformly from [{@value #SIGMA_MIN}, {@value #SIGMA_MAX}). */
    public static final double SIGMA_MIN = 0.15;
    public static final double SIGMA_MAX = 1.15;

    private GaussianBlur() {
    }

    /** {@code floor(ceil(0.1 L) - 0.5 + (ceil(0.1 L) mod 2))}: 51 for L = 512, 103 for L = 1024. */
    public static int kernelSize(int sideLength) {
        if (sideLength <= 0) {
            throw new IllegalArgumentException("side length must be positive, got " + sideLength);
        }
        double c = Math.ceil(0.1 * sideLength);
        return (int) Math.floor(c - 0.5 + (c % 2));
    }

    /**
     * kornia's normalised 1-D Gaussian: {@code exp(-x² / 2σ²)} at {@code x = i - size / 2}
     * (shifted by 0.5 for even sizes), divided by its sum.
     */
    public static double[] kernel(int size, double sigma) {
        if (size <= 0 || !(sigma > 0)) {
            throw new IllegalArgumentException("kernel needs size > 0 and sigma > 0, got " + size + ", " + sigma);
        }
        double[] k = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double x = i - size / 2 + (size % 2 == 0 ? 0.5 : 0);
            k[i] = Math.exp(-x * x / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Draws σ ~ U(0.15, 1.15) and blurs; a new image. */
    public static FloatImage apply(FloatImage image, RandomGenerator rng) {
        return apply(image, SIGMA_MIN + (SIGMA_MAX - SIGMA_MIN) * rng.nextDouble());
    }

    /** Blurs every channel of a {@code (C, H, W)} image with the DAFormer kernel sizes and this σ. */
    public static FloatImage apply(FloatImage image, double sigma) {
        return apply(image, kernelSize(image.height()), kernelSize(image.width()), sigma);
    }

    /** Blurs with explicit odd kernel sizes per axis; a new image of the same shape. */
    public static FloatImage apply(FloatImage image, int kernelHeight, int kernelWidth, double sigma) {
        if (kernelHeight % 2 == 0 || kernelWidth % 2 == 0) {
            throw new IllegalArgumentException("kernel sizes must be odd, got " + kernelHeight + "x" + kernelWidth);
        }
        float[] kx = toFloat(kernel(kernelWidth, sigma));
        float[] ky = toFloat(kernel(kernelHeight, sigma));
        int w = image.width();
        int h = image.height();
        int rx = kernelWidth / 2;
        int ry = kernelHeight / 2;
        int[] colIdx = reflectIndex(w, rx);
        int[] rowIdx = reflectIndex(h, ry);
        float[] src = image.data();
        float[] tmp = new float[w * h];
        float[] out = new float[src.length];
        float[] padded = new float[w + 2 * rx];
        for (int c = 0; c < image.channels(); c++) {
            int base = c * w * h;
            for (int y = 0; y < h; y++) {
                int row = base + y * w;
                for (int i = 0; i < padded.length; i++) {
                    padded[i] = src[row + colIdx[i]];
                }
                for (int x = 0; x < w; x++) {
                    float acc = 0f;
                    for (int k = 0; k < kernelWidth; k++) {
                        acc += kx[k] * padded[x + k];
                    }
                    tmp[y * w + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                int dst = base + y * w;
                for (int k = 0; k < kernelHeight; k++) {
                    float weight = ky[k];
                    int srcRow = rowIdx[y + k] * w;
                    for (int x = 0; x < w; x++) {
                        out[dst + x] += weight * tmp[srcRow + x];
                    }
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    /** Source index of each padded position {@code -radius .. n - 1 + radius}, mirrored without repeating the edge. */
    static int[] reflectIndex(int n, int radius) {
        int[] idx = new int[n + 2 * radius];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = reflect(i - radius, n);
        }
        return idx;
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    private static float[] toFloat(double[] k) {
        float[] f = new float[k.length];
        for (int i = 0; i < k.length; i++) {
            f[i] = (float) k[i];
        }
        return f;
    }
}
