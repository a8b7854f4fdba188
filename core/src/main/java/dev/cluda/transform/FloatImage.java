package dev.cluda.transform;

import dev.cluda.data.RgbImage;
import java.util.Objects;

/**
 * A float image of shape {@code (C, H, W)}, stored channel-major in {@code data}
 * ({@code (c * height + y) * width + x}). After {@link #fromRgb} the values are 0..255.
 */
public record FloatImage(int channels, int height, int width, float[] data) {

    public FloatImage {
        Objects.requireNonNull(data, "data");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got (" + channels + ", "
                    + height + ", " + width + ")");
        }
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("data holds " + data.length + " values, expected "
                    + channels + "*" + height + "*" + width + " = " + channels * height * width);
        }
    }

    /** A zero image of shape {@code (channels, height, width)}. */
    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[channels * height * width]);
    }

    /** The three channels R, G, B of {@code image} as floats 0..255, shape {@code (3, H, W)}. */
    public static FloatImage fromRgb(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int plane = w * h;
        byte[] rgb = image.rgb();
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            out[p] = rgb[3 * p] & 0xFF;
            out[plane + p] = rgb[3 * p + 1] & 0xFF;
            out[2 * plane + p] = rgb[3 * p + 2] & 0xFF;
        }
        return new FloatImage(3, h, w, out);
    }

    /** Back to 8-bit RGB: each value clamped to 0..255 and rounded half up. Needs 3 channels. */
    public RgbImage toRgb() {
        if (channels != 3) {
            throw new IllegalArgumentException("toRgb needs 3 channels, this image has " + channels);
        }
        int plane = width * height;
        byte[] rgb = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                rgb[3 * p + c] = (byte) toByte(data[c * plane + p]);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** Value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    public void set(int c, int y, int x, float value) {
        data[(c * height + y) * width + x] = value;
    }

    /** Pixels per channel, {@code height * width}. */
    public int planeSize() {
        return height * width;
    }

    /** A deep copy. */
    public FloatImage copy() {
        return new FloatImage(channels, height, width, data.clone());
    }

    private static int toByte(float v) {
        if (!(v > 0f)) {
            return 0; // also NaN
        }
        return v >= 255f ? 255 : (int) Math.floor(v + 0.5f);
    }
}
