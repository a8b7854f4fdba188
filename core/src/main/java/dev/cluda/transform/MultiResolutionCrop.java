package dev.cluda.transform;

import java.util.random.RandomGenerator;

/**
 * HRDA's two inputs from one transformed context crop (reference §6.3): the low-resolution (LR)
 * context image and a random full-resolution (HR) detail crop.
 *
 * <p>LR: a bilinear resize by {@code scale} with half-pixel centres (mmseg {@code resize}, torch
 * {@code interpolate(scale_factor=s, align_corners=False)}), to {@code floor(scale · size)} as torch
 * sizes it. The configuration requires {@code scale · size} to be whole, where torch's
 * {@code 1 / scale} sampling step and {@link Resize#bilinear}'s {@code size / newSize} agree.
 *
 * <p>Detail box: HRDA {@code hrda_encoder_decoder.py::get_crop_bbox}, with {@code margin = size −
 * crop} per axis, offset = {@code randint(0, (margin + 1) // divisor) · divisor} (NumPy's upper
 * bound is exclusive), the row offset drawn first. So the offsets are {@code 0, d, …,
 * ((margin + 1) / d − 1) · d}, uniform; as released, when {@code margin} is itself a multiple of
 * {@code d} the last aligned position {@code margin} is never drawn (for 1024/512/8: 64 of the 65
 * aligned rows). Where {@code (margin + 1) / d} is 0 (a margin below {@code d − 1}, which makes
 * NumPy raise) the offset is 0.
 */
public final class MultiResolutionCrop {

    private final double scale;
    private final int detailWidth;
    private final int detailHeight;
    private final int divisor;

    /**
     * @param scale        LR scale in (0, 1] ({@code hrda.scale}, 0.5)
     * @param detailWidth  HR detail crop width ({@code hrda.detailCrop}, 512)
     * @param detailHeight HR detail crop height
     * @param divisor      detail-box coordinates are multiples of this ({@code hrda.cropDivisor}, 8)
     */
    public MultiResolutionCrop(double scale, int detailWidth, int detailHeight, int divisor) {
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("LR scale must be in (0, 1], got " + scale);
        }
        if (detailWidth <= 0 || detailHeight <= 0 || divisor <= 0) {
            throw new IllegalArgumentException("detail crop and divisor must be positive, got " + detailWidth + "x"
                    + detailHeight + " / " + divisor);
        }
        this.scale = scale;
        this.detailWidth = detailWidth;
        this.detailHeight = detailHeight;
        this.divisor = divisor;
    }

    public double scale() {
        return scale;
    }

    public int detailWidth() {
        return detailWidth;
    }

    public int detailHeight() {
        return detailHeight;
    }

    public int divisor() {
        return divisor;
    }

    /** The LR size of a {@code size}-pixel side: {@code floor(scale · size)} as torch sizes it, at least 1. */
    public int lowResolutionSize(int size) {
        return Math.max(1, (int) Math.floor(size * scale));
    }

    /** The context crop resized bilinearly by {@code scale}. */
    public FloatImage lowResolution(FloatImage context) {
        return Resize.bilinear(context, lowResolutionSize(context.width()), lowResolutionSize(context.height()));
    }

    /** How many aligned offsets {@link #drawBox} chooses from along a side of {@code size} pixels. */
    public int positions(int size, int crop) {
        int margin = Math.max(size - crop, 0);
        return Math.max((margin + 1) / divisor, 1);
    }

    /** A random detail box for a {@code contextWidth x contextHeight} context crop (rows drawn first). */
    public DetailBox drawBox(int contextWidth, int contextHeight, RandomGenerator rng) {
        if (contextWidth < detailWidth || contextHeight < detailHeight) {
            throw new IllegalArgumentException("the " + detailWidth + "x" + detailHeight
                    + " detail crop does not fit a " + contextWidth + "x" + contextHeight + " context crop");
        }
        if (contextWidth == detailWidth && contextHeight == detailHeight) {
            return new DetailBox(0, 0, detailWidth, detailHeight); // HRDA returns the whole image, no draw
        }
        int y = rng.nextInt(positions(contextHeight, detailHeight)) * divisor;
        int x = rng.nextInt(positions(contextWidth, detailWidth)) * divisor;
        return new DetailBox(x, y, detailWidth, detailHeight);
    }

    /** LR image and a random detail crop of {@code context}. */
    public MultiResolutionSample apply(FloatImage context, RandomGenerator rng) {
        return apply(context, drawBox(context.width(), context.height(), rng));
    }

    /** LR image and the detail crop at a given box (e.g. the entropy-chosen one, §5.7). */
    public MultiResolutionSample apply(FloatImage context, DetailBox box) {
        if (!box.fits(context.width(), context.height())) {
            throw new IllegalArgumentException("detail box " + box + " does not fit a " + context.width() + "x"
                    + context.height() + " context crop");
        }
        return new MultiResolutionSample(lowResolution(context), box.crop(context), box);
    }
}
