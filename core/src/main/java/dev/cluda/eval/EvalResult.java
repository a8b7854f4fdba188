package dev.cluda.eval;

import dev.cluda.data.ClassSubset;
import dev.cluda.data.CityscapesClass;
import java.util.Arrays;
import java.util.Objects;

/**
 * One evaluation as reported in {@code eval.json} (reference §9). Every IoU and the pixel
 * accuracy are in percent (0..100); NaN marks a class absent from both ground truth and
 * prediction, or a mean over nothing.
 *
 * @param iter training iteration evaluated, or {@link #OFFLINE_ITER} for offline scoring of a
 *     prediction folder
 * @param numImages images evaluated
 * @param classIou IoU per train id 0..18, in percent
 * @param mIoU nan-mean over the 19 classes, in percent
 * @param mIoU16 nan-mean over the 16 SYNTHIA classes, in percent
 * @param mIoU13 nan-mean over the 13 SYNTHIA classes without wall, fence, pole, in percent
 * @param pixelAccuracy correct over counted pixels, in percent (NaN when unknown)
 */
public record EvalResult(int iter, long numImages, double[] classIou, double mIoU, double mIoU16,
                         double mIoU13, double pixelAccuracy) {

    /** The {@link #iter()} of a result that belongs to no training iteration (offline scoring). */
    public static final int OFFLINE_ITER = -1;

    public EvalResult {
        Objects.requireNonNull(classIou, "classIou");
        if (iter < OFFLINE_ITER) {
            throw new IllegalArgumentException("iter must be >= 0, or -1 for offline scoring, got " + iter);
        }
        if (numImages < 0) {
            throw new IllegalArgumentException("numImages must be >= 0, got " + numImages);
        }
        if (classIou.length != CityscapesClass.COUNT) {
            throw new IllegalArgumentException("classIou must hold one IoU per train id 0..18 (19 values), got "
                    + classIou.length);
        }
        classIou = classIou.clone();
        for (int c = 0; c < classIou.length; c++) {
            checkPercent(classIou[c], "IoU of " + CityscapesClass.ofTrainId(c).displayName());
        }
        checkPercent(mIoU, "mIoU");
        checkPercent(mIoU16, "mIoU16");
        checkPercent(mIoU13, "mIoU13");
        checkPercent(pixelAccuracy, "pixel accuracy");
    }

    /**
     * The result of a 19-class confusion matrix summed over {@code numImages} images.
     *
     * @throws IllegalArgumentException if the matrix does not have 19 classes
     */
    public static EvalResult of(int iter, long numImages, ConfusionMatrix matrix) {
        if (matrix.numClasses() != CityscapesClass.COUNT) {
            throw new IllegalArgumentException("an eval result needs a 19-class (Cityscapes train id) matrix, got "
                    + matrix.numClasses() + " classes");
        }
        double[] iou = new double[CityscapesClass.COUNT];
        for (int c = 0; c < iou.length; c++) {
            iou[c] = 100 * matrix.iou(c);
        }
        return new EvalResult(iter, numImages, iou,
                100 * matrix.meanIou(ClassSubset.CITYSCAPES_19),
                100 * matrix.meanIou(ClassSubset.SYNTHIA_16),
                100 * matrix.meanIou(ClassSubset.SYNTHIA_13),
                100 * matrix.pixelAccuracy());
    }

    /** Nan-mean of {@code classIou} over a subset, in percent; how parsed results fill a missing mean. */
    static double meanOf(double[] classIou, ClassSubset subset) {
        double sum = 0;
        int n = 0;
        for (int c : subset.trainIds()) {
            if (!Double.isNaN(classIou[c])) {
                sum += classIou[c];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** IoU per train id in percent (a copy). */
    @Override
    public double[] classIou() {
        return classIou.clone();
    }

    /** IoU of one class in percent. */
    public double classIou(CityscapesClass c) {
        return classIou[c.trainId()];
    }

    /** The mean over a subset: {@link #mIoU}, {@link #mIoU16} or {@link #mIoU13}. */
    public double meanIou(ClassSubset subset) {
        return switch (subset) {
            case CITYSCAPES_19 -> mIoU;
            case SYNTHIA_16 -> mIoU16;
            case SYNTHIA_13 -> mIoU13;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvalResult r && r.iter == iter && r.numImages == numImages
                && Arrays.equals(r.classIou, classIou) && Double.compare(r.mIoU, mIoU) == 0
                && Double.compare(r.mIoU16, mIoU16) == 0 && Double.compare(r.mIoU13, mIoU13) == 0
                && Double.compare(r.pixelAccuracy, pixelAccuracy) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(iter, numImages, Arrays.hashCode(classIou), mIoU, mIoU16, mIoU13, pixelAccuracy);
    }

    @Override
    public String toString() {
        return "EvalResult[iter=" + iter + ", numImages=" + numImages + ", mIoU=" + mIoU + ", mIoU16=" + mIoU16
                + ", mIoU13=" + mIoU13 + ", pixelAccuracy=" + pixelAccuracy + ", classIou="
                + Arrays.toString(classIou) + "]";
    }

    private static void checkPercent(double v, String what) {
        if (!Double.isNaN(v) && (v < 0 || v > 100)) {
            throw new IllegalArgumentException(what + " must be a percentage in 0..100 or NaN, got " + v);
        }
    }
}
