package dev.cluda.uda;

import dev.cluda.data.CityscapesClass;
import dev.cluda.error.UserInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Source-set class statistics for rare-class sampling (reference §3; DAF
 * {@code uda_dataset.py::get_rcs_class_probs}): with n_c the total pixels of class c,
 * f_c = n_c / Σ n, and P(c) = softmax((1 − f_c)/T) over the classes PRESENT (n_c &gt; 0) only;
 * absent classes get P = 0 (16 classes take part for SYNTHIA).
 */
public final class ClassStatistics {

    /** The reference {@code min_pixels}. */
    public static final long DEFAULT_MIN_PIXELS = 3000;
    /** The reference RCS temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.01;

    private final List<ImageClassCounts> images;
    private final long[] totals;
    private final long sum;

    private ClassStatistics(List<ImageClassCounts> images, long[] totals, long sum) {
        this.images = images;
        this.totals = totals;
        this.sum = sum;
    }

    /**
     * Statistics of a source set, one entry per image in a stable order.
     *
     * @throws IllegalArgumentException if a file appears twice or no image has a labelled pixel
     */
    public static ClassStatistics of(List<ImageClassCounts> images) {
        Set<String> files = new HashSet<>();
        long[] totals = new long[CityscapesClass.COUNT];
        long sum = 0;
        for (ImageClassCounts img : images) {
            if (!files.add(img.file())) {
                throw new IllegalArgumentException("file '" + img.file() + "' appears twice in the class statistics");
            }
            for (int c = 0; c < totals.length; c++) {
                totals[c] = Math.addExact(totals[c], img.count(c));
                sum = Math.addExact(sum, img.count(c));
            }
        }
        if (sum == 0) {
            throw new UserInputException("class statistics hold no labelled pixel (" + images.size()
                    + " images); compute them from train-id labels");
        }
        return new ClassStatistics(List.copyOf(images), totals, sum);
    }

    /** The per-image counts, in the order given. */
    public List<ImageClassCounts> images() {
        return images;
    }

    /** n_c per train id. */
    public long[] totalPixels() {
        return totals.clone();
    }

    /** Whether class c has any pixel in the set. */
    public boolean isPresent(int trainId) {
        CityscapesClass.ofTrainId(trainId);
        return totals[trainId] > 0;
    }

    /** f_c = n_c / Σ n per train id (0 for absent classes). */
    public double[] frequencies() {
        double[] f = new double[totals.length];
        for (int c = 0; c < f.length; c++) {
            f[c] = (double) totals[c] / sum;
        }
        return f;
    }

    /** P(c) = softmax over present classes of (1 − f_c)/T, per train id; absent classes get 0. */
    public double[] samplingProbabilities(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("RCS temperature must be positive and finite, got " + temperature);
        }
        double[] f = frequencies();
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < f.length; c++) {
            if (totals[c] > 0) {
                max = Math.max(max, (1.0 - f[c]) / temperature);
            }
        }
        double[] p = new double[f.length];
        double norm = 0;
        for (int c = 0; c < f.length; c++) {
            if (totals[c] > 0) {
                p[c] = Math.exp((1.0 - f[c]) / temperature - max);
                norm += p[c];
            }
        }
        for (int c = 0; c < p.length; c++) {
            p[c] /= norm;
        }
        return p;
    }

    /** Files with MORE than {@code minPixels} pixels of class c, in statistics order. */
    public List<String> imagesWithClass(int trainId, long minPixels) {
        CityscapesClass.ofTrainId(trainId);
        List<String> files = new ArrayList<>();
        for (ImageClassCounts img : images) {
            if (img.count(trainId) > minPixels) {
                files.add(img.file());
            }
        }
        return files;
    }
}
