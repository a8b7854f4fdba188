package dev.cluda.synth;

import dev.cluda.data.CityscapesClass;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link SyntheticBenchmarkWriter#write} produced: the spec, where, the class pixel counts of
 * each split (indexed by train id, length 19) and how long it took.
 *
 * @param spec              the spec that was written
 * @param outDir            the benchmark's root folder
 * @param sourcePixels      pixels per train id over all source labels
 * @param targetTrainPixels pixels per train id over all target-train labels
 * @param targetValPixels   pixels per train id over all target-val labels
 * @param seconds           wall-clock seconds the write took
 */
public record SynthSummary(SynthSpec spec, String outDir, long[] sourcePixels, long[] targetTrainPixels,
                           long[] targetValPixels, double seconds) {

    public SynthSummary {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(outDir, "outDir");
        sourcePixels = checked(sourcePixels, "sourcePixels");
        targetTrainPixels = checked(targetTrainPixels, "targetTrainPixels");
        targetValPixels = checked(targetValPixels, "targetValPixels");
    }

    @Override
    public long[] sourcePixels() {
        return sourcePixels.clone();
    }

    @Override
    public long[] targetTrainPixels() {
        return targetTrainPixels.clone();
    }

    @Override
    public long[] targetValPixels() {
        return targetValPixels.clone();
    }

    /** Pixel counts per train id of one split. */
    public long[] pixels(SynthSplit split) {
        return switch (split) {
            case SOURCE -> sourcePixels();
            case TARGET_TRAIN -> targetTrainPixels();
            case TARGET_VAL -> targetValPixels();
        };
    }

    /** Fraction of the split's pixels per train id; sums to 1. */
    public double[] frequencies(SynthSplit split) {
        return normalise(pixels(split));
    }

    /** Fraction of all target pixels (train and val) per train id. */
    public double[] targetFrequencies() {
        long[] sum = targetTrainPixels();
        for (int c = 0; c < sum.length; c++) {
            sum[c] += targetValPixels[c];
        }
        return normalise(sum);
    }

    /** Number of images written over all splits. */
    public int images() {
        return spec.sourceImages() + spec.targetTrainImages() + spec.targetValImages();
    }

    /** A table of class frequencies (percent) per domain plus the totals, for a terminal. */
    public String describe() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "synthetic benchmark: %d source, %d target-train, %d target-val images of %dx%d, style %.2f, "
                        + "seed %d, written to %s in %.2f s%n",
                spec.sourceImages(), spec.targetTrainImages(), spec.targetValImages(), spec.width(),
                spec.height(), spec.styleStrength(), spec.seed(), outDir, seconds));
        out.append(String.format(Locale.ROOT, "%-14s %9s %9s%n", "class", "source%", "target%"));
        double[] source = frequencies(SynthSplit.SOURCE);
        double[] target = targetFrequencies();
        for (CityscapesClass c : CityscapesClass.values()) {
            out.append(String.format(Locale.ROOT, "%-14s %9.3f %9.3f%n", c.displayName(),
                    100 * source[c.trainId()], 100 * target[c.trainId()]));
        }
        return out.toString();
    }

    static double[] normalise(long[] counts) {
        double total = Arrays.stream(counts).sum();
        double[] f = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            f[c] = total == 0 ? 0 : counts[c] / total;
        }
        return f;
    }

    private static long[] checked(long[] counts, String name) {
        Objects.requireNonNull(counts, name);
        if (counts.length != CityscapesClass.COUNT) {
            throw new IllegalArgumentException(name + " must hold one count per train id ("
                    + CityscapesClass.COUNT + "), got " + counts.length);
        }
        return counts.clone();
    }
}
