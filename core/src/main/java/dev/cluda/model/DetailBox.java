package dev.cluda.model;

/**
 * Where HRDA's detail crop lies inside the context crop, in the context crop's full-resolution pixels
 * (reference §6.3): columns {@code [x, x + width)}, rows {@code [y, y + height)}.
 *
 * <p>The record only checks that the box is non-empty and non-negative; the divisibility a use needs
 * (by the output stride 4, or by the LR feature stride {@code 4/scale} = 8 for HRDA's order) is checked
 * where the box is used, by {@link #requireDivisibleBy}.
 *
 * @param x left column, ≥ 0
 * @param y top row, ≥ 0
 * @param width columns, ≥ 1
 * @param height rows, ≥ 1
 */
public record DetailBox(int x, int y, int width, int height) {

    /** Validates the box. */
    public DetailBox {
        if (x < 0 || y < 0) {
            throw new IllegalArgumentException("detail box origin must be >= 0, got x=" + x + ", y=" + y);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException(
                    "detail box must be at least 1x1, got width=" + width + ", height=" + height);
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
    void requireInside(long canvasHeight, long canvasWidth, String what) {
        if (x2() > canvasWidth || y2() > canvasHeight) {
            throw new IllegalArgumentException(this + " does not fit in the " + what + " of "
                    + canvasHeight + "x" + canvasWidth + " (height x width)");
        }
    }
}
