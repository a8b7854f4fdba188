package dev.cluda.transform;

import dev.cluda.data.LabelMap;

/**
 * Padding at the bottom and right up to the crop size (mmseg {@code Pad}, reference §8.3): image
 * with 0, label with 255 (ignore), masks with 0 (padding is never a valid pseudo-label pixel).
 * Inputs already at least that large are returned unchanged.
 */
final class Pad {

    private final int width;
    private final int height;

    public Pad(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("pad size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    /** Pads a {@code (C, h, w)} image to {@code (C, max(h, height), max(w, width))} with zeros. */
    public FloatImage apply(FloatImage image) {
        int w = Math.max(width, image.width());
        int h = Math.max(height, image.height());
        if (w == image.width() && h == image.height()) {
            return image;
        }
        FloatImage out = FloatImage.zeros(image.channels(), h, w);
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 0; y < image.height(); y++) {
                System.arraycopy(image.data(), (c * image.height() + y) * image.width(),
                        out.data(), (c * h + y) * w, image.width());
            }
        }
        return out;
    }

    /** Pads a label with {@link LabelMap#IGNORE}. */
    public LabelMap apply(LabelMap label) {
        int w = Math.max(width, label.width());
        int h = Math.max(height, label.height());
        if (w == label.width() && h == label.height()) {
            return label;
        }
        LabelMap out = LabelMap.ignored(w, h);
        for (int y = 0; y < label.height(); y++) {
            System.arraycopy(label.ids(), y * label.width(), out.ids(), y * w, label.width());
        }
        return out;
    }

    /** Pads a row-major {@code maskHeight x maskWidth} mask with zeros. */
    public float[] applyToMask(float[] mask, int maskWidth, int maskHeight) {
        if (mask.length != maskWidth * maskHeight) {
            throw new IllegalArgumentException("mask holds " + mask.length + " values, expected "
                    + maskWidth + "*" + maskHeight);
        }
        int w = Math.max(width, maskWidth);
        int h = Math.max(height, maskHeight);
        if (w == maskWidth && h == maskHeight) {
            return mask;
        }
        float[] out = new float[w * h];
        for (int y = 0; y < maskHeight; y++) {
            System.arraycopy(mask, y * maskWidth, out, y * w, maskWidth);
        }
        return out;
    }
}
