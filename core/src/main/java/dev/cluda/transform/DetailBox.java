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

    /** One past the right column. */
    public int x2() {
        return x + width;
    }

    /** One past the bottom row. */
    public int y2() {
        return y + height;
    }

    /**
     * The box on a grid of stride {@code stride}: every coordinate divided by it.
     *
     * @throws IllegalArgumentException if a coordinate is not divisible by {@code stride}
     */
    public DetailBox onGrid(int stride, String why) {
        requireDivisibleBy(stride, why);
        return new DetailBox(x / stride, y / stride, width / stride, height / stride);
    }

    /**
     * Checks that x, y, width and height are multiples of {@code d}.
     *
     * @param why what needs it, for the message
     * @throws IllegalArgumentException naming the box, {@code d} and {@code why}
     */
    public void requireDivisibleBy(int d, String why) {
        if (d < 1) {
            throw new IllegalArgumentException("divisor must be >= 1, got " + d);
        }
        if (x % d != 0 || y % d != 0 || width % d != 0 || height % d != 0) {
            throw new IllegalArgumentException(this + ": x, y, width and height must be multiples of " + d
                    + " (" + why + ")");
        }
    }

    /** Checks that the box lies inside a {@code canvasHeight × canvasWidth} image. */
    public void requireInside(long canvasHeight, long canvasWidth, String what) {
        if (x2() > canvasWidth || y2() > canvasHeight) {
            throw new IllegalArgumentException(this + " does not fit in the " + what + " of "
                    + canvasHeight + "x" + canvasWidth + " (height x width)");
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
