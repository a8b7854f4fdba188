package dev.cluda.eval;

import dev.cluda.data.ClassSubset;
import dev.cluda.data.CityscapesClass;
import java.util.Locale;

/**
 * A plain-text, column-aligned per-class table for terminals: class name, IoU in percent and,
 * when the confusion matrix is at hand, the class's share of counted ground-truth pixels; then
 * the mIoU lines (reference §9) and pixel accuracy. Numbers have two decimals, NaN prints as
 * {@code n/a}, lines end with '\n'. Example:
 * <pre>
 * iter 4000, 500 images
 * class                IoU %  GT share %
 * road                 97.10       36.87
 * ...
 * mIoU   (19 classes)  75.00
 * mIoU16 (16 classes)  78.13
 * mIoU13 (13 classes)  92.31
 * pixel accuracy       95.00
 * </pre>
 */
public final class ClassTable {

    /** Width of the label column: the longest label is "mIoU16 (16 classes)". */
    private static final int LABEL_WIDTH = 19;
    private static final int IOU_WIDTH = 7;
    private static final int SHARE_WIDTH = 12;

    private ClassTable() {
    }

    /** The table without the ground-truth share column (e.g. for a parsed {@code eval.json}). */
    public static String format(EvalResult result) {
        return render(result, null);
    }

    /**
     * The table with the ground-truth share column taken from {@code matrix}, which should be
     * the matrix {@code result} was built from.
     *
     * @throws IllegalArgumentException if the matrix does not have 19 classes
     */
    public static String format(EvalResult result, ConfusionMatrix matrix) {
        if (matrix.numClasses() != CityscapesClass.COUNT) {
            throw new IllegalArgumentException("the class table needs a 19-class matrix, got "
                    + matrix.numClasses() + " classes");
        }
        return render(result, matrix);
    }

    private static String render(EvalResult result, ConfusionMatrix matrix) {
        StringBuilder out = new StringBuilder();
        out.append(result.iter() == EvalResult.OFFLINE_ITER ? "offline scoring" : "iter " + result.iter())
                .append(", ").append(result.numImages()).append(result.numImages() == 1 ? " image" : " images")
                .append('\n');
        out.append(pad("class", LABEL_WIDTH)).append(right("IoU %", IOU_WIDTH));
        if (matrix != null) {
            out.append(right("GT share %", SHARE_WIDTH));
        }
        out.append('\n');
        long total = matrix == null ? 0 : matrix.totalPixels();
        for (CityscapesClass c : CityscapesClass.values()) {
            out.append(pad(c.displayName(), LABEL_WIDTH)).append(right(number(result.classIou(c)), IOU_WIDTH));
            if (matrix != null) {
                double share = total == 0 ? Double.NaN : 100.0 * matrix.groundTruthPixels(c.trainId()) / total;
                out.append(right(number(share), SHARE_WIDTH));
            }
            out.append('\n');
        }
        for (ClassSubset subset : ClassSubset.values()) {
            String label = pad(subset.metricName(), 6) + " (" + subset.size() + " classes)";
            out.append(pad(label, LABEL_WIDTH)).append(right(number(result.meanIou(subset)), IOU_WIDTH)).append('\n');
        }
        out.append(pad("pixel accuracy", LABEL_WIDTH)).append(right(number(result.pixelAccuracy()), IOU_WIDTH))
                .append('\n');
        return out.toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pad(String s, int width) {
        return String.format(Locale.ROOT, "%-" + width + "s", s);
    }

    private static String right(String s, int width) {
        return String.format(Locale.ROOT, "%" + width + "s", s);
    }
}
