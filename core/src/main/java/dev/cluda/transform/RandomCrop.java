package dev.cluda.transform;

import dev.cluda.data.LabelMap;
import java.util.random.RandomGenerator;

/**
 * mmseg {@code RandomCrop} with {@code cat_max_ratio} (reference §8.3). The box offsets are
 * uniform in {@code [0, h - ch]} and {@code [0, w - cw]}; an input smaller than the crop is cropped
 * to its own size along that side (and padded later by {@link Pad}). With a ratio below 1 the box
 * is checked against the label up to {@value #MAX_TRIES} times: it is accepted when the cropped
 * label holds more than one non-ignore class and the largest covers less than the ratio of the
 * non-ignore pixels; each rejected box is replaced by a fresh draw, and the draw after the last
 * rejection is kept unchecked, exactly as mmseg's loop does (so at most 11 draws).
 */
final class RandomCrop {

    /** mmseg checks the class ratio at most this many times. */
    public static final int MAX_TRIES = 10;

    private final int cropWidth;
    private final int cropHeight;
    private final double catMaxRatio;

    /**
     * @param catMaxRatio the largest share one class may take of a source crop (0.75 for the
     *                    source, reference §8.3); 1 or more disables the check (the target)
     */
    public RandomCrop(int cropWidth, int cropHeight, double catMaxRatio) {
        if (cropWidth <= 0 || cropHeight <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + cropWidth + "x" + cropHeight);
        }
        if (!(catMaxRatio > 0)) {
            throw new IllegalArgumentException("catMaxRatio must be > 0 (use 1 to disable it), got " + catMaxRatio);
        }
        this.cropWidth = cropWidth;
        this.cropHeight = cropHeight;
        this.catMaxRatio = catMaxRatio;
    }

    public int cropWidth() {
        return cropWidth;
    }

    public int cropHeight() {
        return cropHeight;
    }

    public double catMaxRatio() {
        return catMaxRatio;
    }

    /** One uniform box for a {@code width x height} input, without the class check. */
    public CropBox drawBox(int width, int height, RandomGenerator rng) {
        int marginW = Math.max(width - cropWidth, 0);
        int marginH = Math.max(height - cropHeight, 0);
        int offsetY = rng.nextInt(marginH + 1); // mmseg draws the row offset first
        int offsetX = rng.nextInt(marginW + 1);
        return new CropBox(offsetX, offsetY, Math.min(cropWidth, width), Math.min(cropHeight, height));
    }

    /**
     * The crop box for an input of the label's size, retrying against the label when
     * {@code catMaxRatio < 1}. The label may be null only when the check is disabled.
     */
    public CropBox chooseBox(int width, int height, LabelMap label, RandomGenerator rng) {
        CropBox box = drawBox(width, height, rng);
        if (catMaxRatio >= 1.0) {
            return box;
        }
        if (label == null || label.width() != width || label.height() != height) {
            throw new IllegalArgumentException("catMaxRatio " + catMaxRatio + " needs a " + width + "x"
                    + height + " label to check crops against; pass the source label or use ratio 1");
        }
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            if (accepts(label, box)) {
                break;
            }
            box = drawBox(width, height, rng);
        }
        return box;
    }

    /** mmseg's test: more than one non-ignore class, and max count / sum of counts below the ratio. */
    boolean accepts(LabelMap label, CropBox box) {
        long[] counts = new long[256];
        byte[] ids = label.ids();
        for (int r = 0; r < box.height(); r++) {
            int row = (box.y() + r) * label.width() + box.x();
            for (int c = 0; c < box.width(); c++) {
                counts[ids[row + c] & 0xFF]++;
            }
        }
        counts[LabelMap.IGNORE] = 0;
        int classes = 0;
        long max = 0;
        long sum = 0;
        for (long n : counts) {
            if (n > 0) {
                classes++;
                max = Math.max(max, n);
                sum += n;
            }
        }
        return classes > 1 && (double) max / sum < catMaxRatio;
    }
}
