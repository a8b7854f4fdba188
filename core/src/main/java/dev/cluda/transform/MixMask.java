package dev.cluda.transform;

import java.util.Objects;

/**
 * A ClassMix mask M of shape {@code (H, W)}, row-major, 1 where the source pixel is pasted and 0
 * where the target shows through, with the source classes it was built from.
 */
public record MixMask(int width, int height, float[] values, int[] classes) {

    public MixMask {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(classes, "classes");
        if (values.length != width * height) {
            throw new IllegalArgumentException("mask holds " + values.length + " values, expected "
                    + width + "*" + height);
        }
    }

    /** M at column {@code x}, row {@code y}: 0 or 1. */
    public float get(int x, int y) {
        return values[y * width + x];
    }
}
