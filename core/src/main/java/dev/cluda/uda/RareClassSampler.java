package dev.cluda.uda;

import dev.cluda.data.CityscapesClass;
import dev.cluda.error.UserInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Rare-class sampling of source images (reference §3; DAF {@code uda_dataset.py}): draw a class
 * c ~ P (see {@link ClassStatistics#samplingProbabilities}), then a file uniformly among the
 * images with more than {@code minPixels} pixels of c. The crop check that follows is
 * {@link RcsCropRule}; the target image is drawn independently by the caller.
 */
public final class RareClassSampler {

    /** One draw: the class and the source file chosen for it. */
    public record Draw(int trainId, String file) {
    }

    private final double[] probabilities;
    private final List<List<String>> candidates;
    private final int lastPresent;

    /**
     * @throws IllegalArgumentException if a present class has no image above {@code minPixels}
     *     (the reference asserts the same)
     */
    public RareClassSampler(ClassStatistics stats, double temperature, long minPixels) {
        Objects.requireNonNull(stats, "stats");
        if (minPixels < 0) {
            throw new IllegalArgumentException("minPixels must be non-negative, got " + minPixels);
        }
        this.probabilities = stats.samplingProbabilities(temperature);
        List<List<String>> lists = new ArrayList<>();
        int last = -1;
        for (int c = 0; c < CityscapesClass.COUNT; c++) {
            List<String> files = stats.isPresent(c) ? stats.imagesWithClass(c, minPixels) : List.of();
            if (stats.isPresent(c)) {
                last = c;
                if (files.isEmpty()) {
                    throw new UserInputException("class " + c + " (" + CityscapesClass.ofTrainId(c).displayName()
                            + ") is present but no image has more than " + minPixels + " pixels of it; "
                            + "lower rcs minPixels for this data set");
                }
            }
            lists.add(List.copyOf(files));
        }
        this.candidates = List.copyOf(lists);
        this.lastPresent = last;
    }

    /** The reference sampler: T = 0.01, minPixels = 3000. */
    public static RareClassSampler withDefaults(ClassStatistics stats) {
        return new RareClassSampler(stats, ClassStatistics.DEFAULT_TEMPERATURE, ClassStatistics.DEFAULT_MIN_PIXELS);
    }

    /** P(c) per train id. */
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** The files class c is drawn from (empty for absent classes). */
    public List<String> candidates(int trainId) {
        CityscapesClass.ofTrainId(trainId);
        return candidates.get(trainId);
    }

    /** c ~ P by inverse CDF over the train ids. */
    public int sampleClass(RandomGenerator random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int c = 0; c < probabilities.length; c++) {
            if (probabilities[c] > 0) {
                cumulative += probabilities[c];
                if (u < cumulative) {
                    return c;
                }
            }
        }
        return lastPresent; // u within rounding of 1
    }

    /** A class, then a file uniformly among its candidates. */
    public Draw sample(RandomGenerator random) {
        int c = sampleClass(random);
        List<String> files = candidates.get(c);
        return new Draw(c, files.get(random.nextInt(files.size())));
    }
}
