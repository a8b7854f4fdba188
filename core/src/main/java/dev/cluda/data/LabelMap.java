package dev.cluda.data;

import java.util.Objects;

/**
 * A single-channel label map with unsigned 8-bit values, height-major ({@code y * width + x}).
 * After a dataset reader it holds Cityscapes train ids 0..18 and {@link #IGNORE} (255).
 */
public record LabelMap(int width, int height, byte[] ids) {

    /** The ignore label of every loss and metric (mmseg's {@code ignore_index}). */
    public static final int IGNORE = 255;

    public LabelMap {
        Objects.requireNonNull(ids, "ids");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("label size must be positive, got " + width + "x" + height);
        }
        if (ids.length != width * height) {
            throw new IllegalArgumentException("label buffer holds " + ids.length + " values, expected "
                    + width + "*" + height + " = " + width * height);
        }
    }

    /** A map filled with {@link #IGNORE}. */
    public static LabelMap ignored(int width, int height) {
        byte[] ids = new byte[width * height];
        java.util.Arrays.fill(ids, (byte) IGNORE);
        return new LabelMap(width, height, ids);
    }

    public int get(int x, int y) {
        return ids[y * width + x] & 0xFF;
    }

    public void set(int x, int y, int id) {
        ids[y * width + x] = (byte) id;
    }

    /** Pixel count of each value 0..255. */
    public long[] histogram() {
        long[] counts = new long[256];
        for (byte b : ids) {
            counts[b & 0xFF]++;
        }
        return counts;
    }
}
