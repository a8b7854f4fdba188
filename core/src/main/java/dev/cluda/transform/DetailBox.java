package dev.cluda.transform;

import dev.cluda.data.LabelMap;

/**
 * Where the HRDA high-resolution detail crop lies in its context crop (reference §6.3): columns
 * {@code [x, x + width)}, rows {@code [y, y + height)}, in full-resolution context-crop pixels.
 * The same box crops the context image, its label and any weight plane, so the HR cross-entropy
 * sees the label under the detail crop (HRDA {@code hrda_head.py::losses}: {@code crop(seg_label)}).
 */
public record DetailBox(int x, int y, int width, int height) {

    public DetailBox {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("detail box needs x, y >= 0 and a positive size, got x=" + x
                    + " y=" + y + " " + width + "x" + height);
        }
    }

    /** Whether the box lies inside a {@code contextWidth x contextHeight} crop. */
    public boolean fits(int contextWidth, int contextHeight) {
        return x + width <= contextWidth && y + height <= contextHeight;
    }

    /** Every channel of a {@code (C, H, W)} image under the box. */
    public FloatImage crop(FloatImage image) {
        return box().crop(image);
    }

    /** The label under the box (the HR cross-entropy's target). */
    public LabelMap crop(LabelMap label) {
        return box().crop(label);
    }

    /** A row-major {@code planeHeight x planeWidth} plane (pseudo-label weight, valid mask) under the box. */
    public float[] crop(float[] plane, int planeWidth, int planeHeight) {
        return box().crop(plane, planeWidth, planeHeight);
    }

    private CropBox box() {
        return new CropBox(x, y, width, height);
    }
}
