package dev.cluda.transform;

import java.util.Arrays;

/**
 * Margins of a target image where pseudo-labels are not trusted (reference §2.3, HRDA
 * {@code crop_pseudo_margins = [30, 240, 30, 30]} at 2048x1024): {@link #mask} builds the
 * validity mask at the full image size, before cropping, to be carried through
 * {@link TrainTransform} as the valid-pseudo mask.
 */
public record PseudoMargins(int top, int bottom, int left, int right) {

    /** HRDA/CLUDA's margins for Cityscapes at 2048x1024. */
    public static final PseudoMargins HRDA_CITYSCAPES = new PseudoMargins(30, 240, 30, 30);

    public PseudoMargins {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("margins must be >= 0, got top=" + top + " bottom=" + bottom
                    + " left=" + left + " right=" + right);
        }
    }

    /** A row-major {@code (height, width)} mask: 0 inside the margins, 1 elsewhere. */
    public float[] mask(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + width + "x" + height);
        }
        float[] m = new float[width * height];
        int x0 = Math.min(left, width);
        int x1 = Math.max(x0, width - right);
        for (int y = Math.min(top, height); y < height - bottom; y++) {
            Arrays.fill(m, y * width + x0, y * width + x1, 1f);
        }
        return m;
    }
}
