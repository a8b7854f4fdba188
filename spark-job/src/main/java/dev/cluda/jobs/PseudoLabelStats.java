package dev.cluda.jobs;

import dev.cluda.data.LabelMap;
import dev.cluda.eval.ConfusionMatrix;
import java.io.Serializable;

/**
 * Sums over pseudo-labelled images, one per Spark partition, merged on the driver: pixels per
 * predicted class, their confidence, how many reach the threshold (reference §2.2: {@code p ≥ τ},
 * τ = 0.968, compared in float32 as torch does), and the confusion matrix against ground truth
 * where an image has one.
 *
 * <p>Every sum is an integer, so the merged result does not depend on how images were split into
 * partitions or in which order partitions finish: confidences are summed in fixed point with
 * 2<sup>24</sup> steps per unit (float32 has a 24-bit significand), exact to 6e-8 per pixel.
 *
 * <p>Not thread-safe: one instance per partition, then {@link #merge}.
 */
public final class PseudoLabelStats implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Fixed-point scale of the confidence sums. */
    static final double FIXED_ONE = 1 << 24;

    private final int numClasses;
    private final double threshold;
    private final long[] classPixels;
    private final long[] classConfidence;
    private final long[] classAboveThreshold;
    private final ConfusionMatrix confusion;
    private long images;
    private long labelledImages;
    private long skippedImages;

    /**
     * @param numClasses classes K of the pseudo-labels (and of the ground truth)
     * @param threshold confidence threshold τ in [0, 1]; a pixel counts when {@code p ≥ τ}
     */
    public PseudoLabelStats(int numClasses, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        this.confusion = new ConfusionMatrix(numClasses);
        this.numClasses = numClasses;
        this.threshold = threshold;
        this.classPixels = new long[numClasses];
        this.classConfidence = new long[numClasses];
        this.classAboveThreshold = new long[numClasses];
    }

    /**
     * Adds one image.
     *
     * @param groundTruth its train ids (255 ignored), or null when the image has no label
     * @throws IllegalArgumentException if a pseudo-label is outside {@code 0..K-1} or the ground
     *     truth differs in size or holds a value that is neither a class nor 255
     */
    public PseudoLabelStats add(PseudoLabel label, LabelMap groundTruth) {
        byte[] ids = label.trainIds().ids();
        float[] p = label.confidence();
        long[] pixels = new long[numClasses];
        long[] conf = new long[numClasses];
        long[] above = new long[numClasses];
        float thresholdFloat = (float) threshold; // torch compares a float32 softmax with a float32 scalar
        for (int i = 0; i < ids.length; i++) {
            int c = ids[i] & 0xFF;
            if (c >= numClasses) {
                throw new IllegalArgumentException("pseudo-label " + c + " at pixel " + i + " is not a class 0.."
                        + (numClasses - 1));
            }
            pixels[c]++;
            conf[c] += Math.round(p[i] * FIXED_ONE);
            if (p[i] >= thresholdFloat) {
                above[c]++;
            }
        }
        if (groundTruth != null) {
            confusion.accumulate(groundTruth, label.trainIds());
            labelledImages++;
        }
        for (int c = 0; c < numClasses; c++) {
            classPixels[c] += pixels[c];
            classConfidence[c] += conf[c];
            classAboveThreshold[c] += above[c];
        }
        images++;
        return this;
    }

    /** Counts an image left out under {@code data.onBadSample = skip}. */
    public PseudoLabelStats addSkipped() {
        skippedImages++;
        return this;
    }

    /**
     * Adds {@code other}'s sums into this one.
     *
     * @return this, so that {@code PseudoLabelStats::merge} serves as a reduce function
     */
    public PseudoLabelStats merge(PseudoLabelStats other) {
        if (other.numClasses != numClasses || Double.compare(other.threshold, threshold) != 0) {
            throw new IllegalArgumentException("cannot merge statistics of " + other.numClasses + " classes at "
                    + other.threshold + " into " + numClasses + " classes at " + threshold);
        }
        for (int c = 0; c < numClasses; c++) {
            classPixels[c] += other.classPixels[c];
            classConfidence[c] += other.classConfidence[c];
            classAboveThreshold[c] += other.classAboveThreshold[c];
        }
        confusion.add(other.confusion);
        images += other.images;
        labelledImages += other.labelledImages;
        skippedImages += other.skippedImages;
        return this;
    }

    public int numClasses() {
        return numClasses;
    }

    public double threshold() {
        return threshold;
    }

    /** Images pseudo-labelled. */
    public long images() {
        return images;
    }

    /** Of those, images with ground truth (counted in {@link #confusion()}). */
    public long labelledImages() {
        return labelledImages;
    }

    /** Images left out as bad samples. */
    public long skippedImages() {
        return skippedImages;
    }

    /** All pseudo-labelled pixels. */
    public long pixels() {
        long sum = 0;
        for (long v : classPixels) {
            sum += v;
        }
        return sum;
    }

    /** Pixels pseudo-labelled {@code c}. */
    public long pixels(int c) {
        return classPixels[checkClass(c)];
    }

    /** Share of all pixels pseudo-labelled {@code c}, in 0..1; NaN when there are no pixels. */
    public double share(int c) {
        long all = pixels();
        return all == 0 ? Double.NaN : (double) classPixels[checkClass(c)] / all;
    }

    /** Mean maximum softmax probability over all pixels; NaN when there are none. */
    public double meanConfidence() {
        long sum = 0;
        for (long v : classConfidence) {
            sum += v;
        }
        long all = pixels();
        return all == 0 ? Double.NaN : sum / FIXED_ONE / all;
    }

    /** Mean confidence of the pixels pseudo-labelled {@code c}; NaN when there are none. */
    public double meanConfidence(int c) {
        long n = classPixels[checkClass(c)];
        return n == 0 ? Double.NaN : classConfidence[c] / FIXED_ONE / n;
    }

    /** Fraction of all pixels with {@code p ≥ threshold}; NaN when there are none. */
    public double fractionAboveThreshold() {
        long sum = 0;
        for (long v : classAboveThreshold) {
            sum += v;
        }
        long all = pixels();
        return all == 0 ? Double.NaN : (double) sum / all;
    }

    /** Fraction of the pixels pseudo-labelled {@code c} with {@code p ≥ threshold}; NaN when there are none. */
    public double fractionAboveThreshold(int c) {
        long n = classPixels[checkClass(c)];
        return n == 0 ? Double.NaN : (double) classAboveThreshold[c] / n;
    }

    /** The confusion matrix of the labelled images (a copy). */
    public ConfusionMatrix confusion() {
        return confusion.copy();
    }

    private int checkClass(int c) {
        if (c < 0 || c >= numClasses) {
            throw new IllegalArgumentException("class must be in 0.." + (numClasses - 1) + ", got " + c);
        }
        return c;
    }
}
