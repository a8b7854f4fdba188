package dev.cluda.data;

import java.util.Objects;

/**
 * An 8-bit RGB image as decoded from disk: {@code rgb} is height-major, interleaved
 * ({@code (y * width + x) * 3 + channel}), channels in R, G, B order.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("rgb buffer holds " + rgb.length + " bytes, expected "
                    + width + "*" + height + "*3 = " + width * height * 3);
        }
    }

    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    /** Channel value 0..255 at (x, y). */
    public int get(int x, int y, int channel) {
        return rgb[(y * width + x) * 3 + channel] & 0xFF;
    }

    public void set(int x, int y, int r, int g, int b) {
        int i = (y * width + x) * 3;
        rgb[i] = (byte) r;
        rgb[i + 1] = (byte) g;
        rgb[i + 2] = (byte) b;
    }
}
