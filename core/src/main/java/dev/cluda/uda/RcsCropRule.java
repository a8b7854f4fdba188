package dev.cluda.uda;

import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The crop check of rare-class sampling (reference §3): a crop of an image drawn for class c is
 * kept if it holds more than {@code minPixels · minCropRatio} pixels of c; otherwise the same
 * image is cropped again, at most {@code maxRecrops} times, and the last crop is kept unchecked
 * (DAF {@code uda_dataset.py}: {@code for j in range(10)}).
 *
 * @param minPixels 3000
 * @param minCropRatio 0.5 for DAFormer (512 crops), 2.0 for HRDA/CLUDA (1024 crops)
 * @param maxRecrops 10
 */
public record RcsCropRule(long minPixels, double minCropRatio, int maxRecrops) {

    public RcsCropRule {
        if (minPixels < 0 || !(minCropRatio >= 0) || maxRecrops < 0) {
            throw new IllegalArgumentException("RCS crop rule needs minPixels >= 0, minCropRatio >= 0 and "
                    + "maxRecrops >= 0, got " + minPixels + ", " + minCropRatio + ", " + maxRecrops);
        }
    }

    /** DAFormer: 3000 · 0.5, 10 re-crops. */
    public static RcsCropRule daformer() {
        return new RcsCropRule(ClassStatistics.DEFAULT_MIN_PIXELS, 0.5, 10);
    }

    /** HRDA/CLUDA/MIC: 3000 · 2.0, 10 re-crops. */
    public static RcsCropRule hrda() {
        return new RcsCropRule(ClassStatistics.DEFAULT_MIN_PIXELS, 2.0, 10);
    }

    /** Whether a crop with {@code classPixels} pixels of the drawn class is kept. */
    public boolean accepts(long classPixels) {
        return classPixels > minPixels * minCropRatio;
    }

    /**
     * Crops until accepted: calls {@code crop} once, then again while the latest crop is not
     * accepted, at most {@code maxRecrops} more times, and returns the last crop made.
     *
     * @param crop one random crop (and flip) of the drawn image
     * @param classPixels pixels of the drawn class in a crop
     */
    public <T> T cropUntilAccepted(Supplier<T> crop, ToLongFunction<T> classPixels) {
        T current = crop.get();
        for (int j = 0; j < maxRecrops; j++) {
            if (accepts(classPixels.applyAsLong(current))) {
                return current;
            }
            current = crop.get();
        }
        return current;
    }
}
