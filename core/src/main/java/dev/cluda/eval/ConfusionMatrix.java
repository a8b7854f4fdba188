package dev.cluda.eval;

import dev.cluda.data.ClassSubset;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Pixel counts of (ground-truth class, predicted class) over an evaluation set, from which
 * per-class IoU and mIoU follow (reference §9: I and U summed over the whole set, IoU_c = I_c/U_c,
 * mIoU the nan-mean over classes).
 *
 * <p>Matrices of the same size add ({@link #add}), so images, Spark partitions and ranks each
 * accumulate their own and the sums are combined; {@link #toLongArray()} / {@link #fromLongArray}
 * give a flat form for all-reduce and Spark aggregation.
 *
 * <p>Counting rules:
 * <ul>
 *   <li>Ground truth {@link LabelMap#IGNORE} (255) is skipped whatever the prediction.</li>
 *   <li>Any other ground-truth value outside {@code 0..C-1} is an error: readers emit only train
 *       ids and 255, so such a value means the label was not mapped.</li>
 *   <li>A prediction outside {@code 0..C-1} (including 255) counts as wrong for the ground-truth
 *       class: it adds to that class's ground-truth pixels and union, to no class's intersection
 *       and to no class's predicted pixels. These pixels are kept in a separate per-class count
 *       ({@link #outOfRangeCount}).</li>
 * </ul>
 *
 * <p>Not thread-safe; give each thread its own matrix and {@link #add} them.
 */
public final class ConfusionMatrix implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int numClasses;
    /** Row-major (ground truth, prediction), {@code numClasses * numClasses}. */
    private final long[] counts;
    /** Per ground-truth class: pixels whose prediction was outside {@code 0..numClasses-1}. */
    private final long[] outOfRange;

    /** An empty matrix over the 19 Cityscapes classes. */
    public ConfusionMatrix() {
        this(CityscapesClass.COUNT);
    }

    /** An empty matrix over {@code numClasses} classes (1..255; 255 is the ignore label). */
    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1 || numClasses > LabelMap.IGNORE) {
            throw new IllegalArgumentException("number of classes must be in 1..255 (255 is the ignore label), got "
                    + numClasses);
        }
        this.numClasses = numClasses;
        this.counts = new long[numClasses * numClasses];
        this.outOfRange = new long[numClasses];
    }

    public int numClasses() {
        return numClasses;
    }

    /**
     * Adds one image.
     *
     * @throws IllegalArgumentException if the two maps differ in size (both sizes named) or the
     *     ground truth holds a value that is neither a class nor 255; nothing is counted then
     */
    public ConfusionMatrix accumulate(LabelMap groundTruth, LabelMap prediction) {
        if (groundTruth.width() != prediction.width() || groundTruth.height() != prediction.height()) {
            throw new IllegalArgumentException("ground truth is " + groundTruth.width() + "x" + groundTruth.height()
                    + " but prediction is " + prediction.width() + "x" + prediction.height()
                    + "; resize the prediction to the ground-truth size before scoring");
        }
        return accumulate(groundTruth.ids(), prediction.ids());
    }

    /**
     * Adds pixels given as unsigned bytes in the same order (the fast path; see the class
     * comment for the counting rules).
     *
     * @throws IllegalArgumentException if the arrays differ in length (both named) or the ground
     *     truth holds a value that is neither a class nor 255; nothing is counted then
     */
    public ConfusionMatrix accumulate(byte[] groundTruth, byte[] prediction) {
        if (groundTruth.length != prediction.length) {
            throw new IllegalArgumentException("ground truth has " + groundTruth.length
                    + " pixels but prediction has " + prediction.length + "; both must cover the same image");
        }
        int c = numClasses;
        long[] local = new long[c * c];
        long[] localOut = new long[c];
        for (int i = 0; i < groundTruth.length; i++) {
            int g = groundTruth[i] & 0xFF;
            if (g == LabelMap.IGNORE) {
                continue;
            }
            if (g >= c) {
                throw new IllegalArgumentException("ground truth value " + g + " at pixel " + i
                        + " is neither a class 0.." + (c - 1) + " nor the ignore label 255; map labels to train ids first");
            }
            int p = prediction[i] & 0xFF;
            if (p < c) {
                local[g * c + p]++;
            } else {
                localOut[g]++;
            }
        }
        addInto(counts, local);
        addInto(outOfRange, localOut);
        return this;
    }

    /**
     * Adds {@code other}'s counts into this matrix.
     *
     * @return this matrix, so that {@code (a, b) -> a.add(b)} serves as a reduce function
     */
    public ConfusionMatrix add(ConfusionMatrix other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("cannot add a " + other.numClasses + "-class matrix to a "
                    + numClasses + "-class matrix; evaluate both with the same number of classes");
        }
        addInto(counts, other.counts);
        addInto(outOfRange, other.outOfRange);
        return this;
    }

    /** An independent copy. */
    public ConfusionMatrix copy() {
        return new ConfusionMatrix(numClasses).add(this);
    }

    /**
     * The counts as one flat array of length {@code C*C + C}: first the matrix row-major
     * (index {@code gt * C + pred}), then per ground-truth class the pixels predicted outside
     * {@code 0..C-1}. Element-wise sums of such arrays are the arrays of summed matrices.
     */
    public long[] toLongArray() {
        long[] flat = Arrays.copyOf(counts, counts.length + numClasses);
        System.arraycopy(outOfRange, 0, flat, counts.length, numClasses);
        return flat;
    }

    /**
     * Reads {@link #toLongArray()}'s layout; a plain row-major {@code C*C} matrix (no
     * out-of-range counts, e.g. from a bincount of {@code gt * C + argmax}) is accepted too.
     *
     * @throws IllegalArgumentException if the length is neither {@code C*C} nor {@code C*C + C}
     *     or a count is negative
     */
    public static ConfusionMatrix fromLongArray(int numClasses, long[] flat) {
        ConfusionMatrix m = new ConfusionMatrix(numClasses);
        m.checkFlatLength(flat.length);
        for (int i = 0; i < flat.length; i++) {
            if (flat[i] < 0) {
                throw new IllegalArgumentException("count at index " + i + " is negative (" + flat[i]
                        + "); a confusion matrix holds pixel counts");
            }
            m.set(i, flat[i]);
        }
        return m;
    }

    /** {@link #toLongArray()} as doubles, for collectives over floating point; exact below 2^53. */
    public double[] toDoubleArray() {
        long[] flat = toLongArray();
        double[] out = new double[flat.length];
        for (int i = 0; i < flat.length; i++) {
            out[i] = flat[i];
        }
        return out;
    }

    /**
     * Reads {@link #toDoubleArray()}'s layout (or a plain {@code C*C} matrix).
     *
     * @throws IllegalArgumentException on a wrong length or a value that is not a non-negative
     *     whole number below 2^53
     */
    public static ConfusionMatrix fromDoubleArray(int numClasses, double[] flat) {
        long[] longs = new long[flat.length];
        for (int i = 0; i < flat.length; i++) {
            double v = flat[i];
            if (!(v >= 0 && v <= 0x1p53 && v == Math.rint(v))) {
                throw new IllegalArgumentException("value at index " + i + " is " + v
                        + "; counts must be non-negative whole numbers below 2^53");
            }
            longs[i] = (long) v;
        }
        return fromLongArray(numClasses, longs);
    }

    /** Pixels of ground-truth class {@code gt} predicted as class {@code pred}. */
    public long count(int gt, int pred) {
        checkClass(gt, "ground-truth class");
        checkClass(pred, "predicted class");
        return counts[gt * numClasses + pred];
    }

    /** Pixels of ground-truth class {@code gt} whose prediction was outside {@code 0..C-1}. */
    public long outOfRangeCount(int gt) {
        checkClass(gt, "ground-truth class");
        return outOfRange[gt];
    }

    /** Pixels labelled {@code c} in the ground truth (row sum, out-of-range predictions included). */
    public long groundTruthPixels(int c) {
        checkClass(c, "class");
        long sum = outOfRange[c];
        for (int p = 0; p < numClasses; p++) {
            sum += counts[c * numClasses + p];
        }
        return sum;
    }

    /** Pixels predicted as {@code c} on non-ignored ground truth (column sum). */
    public long predictedPixels(int c) {
        checkClass(c, "class");
        long sum = 0;
        for (int g = 0; g < numClasses; g++) {
            sum += counts[g * numClasses + c];
        }
        return sum;
    }

    /** All counted (non-ignored) pixels. */
    public long totalPixels() {
        long sum = 0;
        for (long v : counts) {
            sum += v;
        }
        for (long v : outOfRange) {
            sum += v;
        }
        return sum;
    }

    /** I_c: pixels of class {@code c} predicted as {@code c}. */
    public long intersection(int c) {
        return count(c, c);
    }

    /** U_c = ground-truth pixels of c + predicted pixels of c − I_c. */
    public long union(int c) {
        return groundTruthPixels(c) + predictedPixels(c) - intersection(c);
    }

    /** IoU_c = I_c / U_c in 0..1; NaN when the class is neither in the ground truth nor predicted. */
    public double iou(int c) {
        long u = union(c);
        return u == 0 ? Double.NaN : (double) intersection(c) / u;
    }

    /**
     * Mean IoU (0..1) over the subset's classes, NaN classes left out (nan-mean, reference §9);
     * NaN when every class in the subset is NaN. Reports multiply by 100.
     *
     * @throws IllegalArgumentException if the subset names a class this matrix does not have
     */
    public double meanIou(ClassSubset subset) {
        int[] ids = subset.trainIds();
        if (ids[ids.length - 1] >= numClasses) {
            throw new IllegalArgumentException("class subset " + subset + " needs " + (ids[ids.length - 1] + 1)
                    + " classes but this matrix has " + numClasses);
        }
        return nanMean(ids);
    }

    /** Mean IoU (0..1) over all {@code C} classes, NaN classes left out. */
    public double meanIou() {
        int[] ids = new int[numClasses];
        Arrays.setAll(ids, i -> i);
        return nanMean(ids);
    }

    /** Correct pixels over counted pixels (0..1); NaN when nothing was counted. */
    public double pixelAccuracy() {
        long total = totalPixels();
        if (total == 0) {
            return Double.NaN;
        }
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            correct += counts[c * numClasses + c];
        }
        return (double) correct / total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix other && other.numClasses == numClasses
                && Arrays.equals(other.counts, counts) && Arrays.equals(other.outOfRange, outOfRange);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * numClasses + Arrays.hashCode(counts)) + Arrays.hashCode(outOfRange);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix[" + numClasses + " classes, " + totalPixels() + " pixels]";
    }

    private double nanMean(int[] ids) {
        double sum = 0;
        int n = 0;
        for (int c : ids) {
            double v = iou(c);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private void checkFlatLength(int length) {
        int square = numClasses * numClasses;
        if (length != square && length != square + numClasses) {
            throw new IllegalArgumentException("a flat " + numClasses + "-class matrix has " + square + " or "
                    + (square + numClasses) + " entries (with out-of-range counts), got " + length);
        }
    }

    private void set(int flatIndex, long value) {
        if (flatIndex < counts.length) {
            counts[flatIndex] = value;
        } else {
            outOfRange[flatIndex - counts.length] = value;
        }
    }

    private void checkClass(int c, String what) {
        if (c < 0 || c >= numClasses) {
            throw new IllegalArgumentException(what + " must be in 0.." + (numClasses - 1) + ", got " + c);
        }
    }

    private static void addInto(long[] target, long[] source) {
        for (int i = 0; i < target.length; i++) {
            target[i] += source[i];
        }
    }
}
