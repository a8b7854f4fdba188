package dev.cluda.transform;

/**
 * Per-channel normalisation {@code (x - mean) / std} of a 0..255 RGB image and its inverse
 * (mmseg {@code Normalize}, reference §8.3: ImageNet mean and std, RGB order).
 */
public final class Normalize {

    private final float[] mean;
    private final float[] std;

    /** One mean and one (positive) standard deviation per channel, on the 0..255 scale. */
    public Normalize(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("need one mean and one std per channel, got " + mean.length
                    + " means and " + std.length + " stds");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + s);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** ImageNet statistics: mean (123.675, 116.28, 103.53), std (58.395, 57.12, 57.375), RGB. */
    public static Normalize imageNet() {
        return new Normalize(new float[] {123.675f, 116.28f, 103.53f}, new float[] {58.395f, 57.12f, 57.375f});
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /** 0..255 values to normalised values; a new image of the same shape. */
    public FloatImage apply(FloatImage image) {
        return affine(image, 1f, true);
    }

    /** Normalised values back to 0..255. */
    public FloatImage invert(FloatImage normalized) {
        return affine(normalized, 1f, false);
    }

    /** Normalised values to [0, 1] (DAFormer {@code denorm}: {@code (x * std + mean) / 255}). */
    public FloatImage toUnit(FloatImage normalized) {
        return affine(normalized, 255f, false);
    }

    /** [0, 1] values to normalised ones (DAFormer {@code renorm}: {@code (x * 255 - mean) / std}). */
    public FloatImage fromUnit(FloatImage unit) {
        return affine(unit, 255f, true);
    }

    private FloatImage affine(FloatImage image, float scale, boolean forward) {
        if (image.channels() != mean.length) {
            throw new IllegalArgumentException("image has " + image.channels() + " channels, normalisation has "
                    + mean.length);
        }
        int plane = image.planeSize();
        float[] src = image.data();
        float[] out = new float[src.length];
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float s = std[c];
            int base = c * plane;
            for (int p = base; p < base + plane; p++) {
                out[p] = forward ? (src[p] * scale - m) / s : (src[p] * s + m) / scale;
            }
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }
}
