package dev.cluda.transform;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import java.util.random.RandomGenerator;

/**
 * Horizontal flip with probability {@code p} (mmseg {@code RandomFlip}, reference §8.3: p = 0.5).
 * One draw decides for the image, its label and its mask together.
 */
final class Flip {

    private final double probability;

    public Flip(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
    }

    public double probability() {
        return probability;
    }

    /** One draw: true (flip) when {@code rng.nextDouble() < p}, as mmseg's {@code np.random.rand() < prob}. */
    public boolean draw(RandomGenerator rng) {
        return rng.nextDouble() < probability;
    }

    /** A mirrored copy (columns reversed). */
    public static RgbImage horizontal(RgbImage image) {
        int w = image.width();
        byte[] src = image.rgb();
        byte[] out = new byte[src.length];
        for (int y = 0; y < image.height(); y++) {
            int row = y * w * 3;
            for (int x = 0; x < w; x++) {
                int s = row + x * 3;
                int d = row + (w - 1 - x) * 3;
                out[d] = src[s];
                out[d + 1] = src[s + 1];
                out[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(w, image.height(), out);
    }

    public static LabelMap horizontal(LabelMap label) {
        byte[] src = label.ids();
        byte[] out = new byte[src.length];
        int w = label.width();
        for (int y = 0; y < label.height(); y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                out[row + w - 1 - x] = src[row + x];
            }
        }
        return new LabelMap(w, label.height(), out);
    }

    /** Every channel of a {@code (C, H, W)} image mirrored. */
    public static FloatImage horizontal(FloatImage image) {
        return new FloatImage(image.channels(), image.height(), image.width(),
                mirrorRows(image.data(), image.width(), image.channels() * image.height()));
    }

    /** A row-major {@code height x width} plane mirrored. */
    public static float[] horizontal(float[] plane, int width, int height) {
        if (plane.length != width * height) {
            throw new IllegalArgumentException("plane holds " + plane.length + " values, expected "
                    + width + "*" + height);
        }
        return mirrorRows(plane, width, height);
    }

    private static float[] mirrorRows(float[] src, int width, int rows) {
        float[] out = new float[src.length];
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int x = 0; x < width; x++) {
                out[row + width - 1 - x] = src[row + x];
            }
        }
        return out;
    }
}
