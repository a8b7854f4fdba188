package dev.cluda.uda;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import java.util.Arrays;
import java.util.Objects;

/**
 * Pixel count of each train id 0..18 in one source label at its ORIGINAL resolution
 * (reference §3): one entry of {@code sample_class_stats.json}.
 *
 * @param file the image's key in the statistics files (DAFormer writes the label path)
 * @param counts 19 non-negative pixel counts indexed by train id (copied)
 */
public record ImageClassCounts(String file, long[] counts) {

    public ImageClassCounts {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(counts, "counts");
        if (counts.length != CityscapesClass.COUNT) {
            throw new IllegalArgumentException("class counts of '" + file + "' must have " + CityscapesClass.COUNT
                    + " entries (one per train id), got " + counts.length);
        }
        counts = counts.clone();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 0) {
                throw new IllegalArgumentException("class " + c + " of '" + file + "' has a negative count "
                        + counts[c]);
            }
        }
    }

    /** Counts of train ids 0..18 in a train-id label map; 255 (ignore) is not counted. */
    public static ImageClassCounts of(String file, LabelMap trainIds) {
        return new ImageClassCounts(file, Arrays.copyOf(trainIds.histogram(), CityscapesClass.COUNT));
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Pixels of one train id. */
    public long count(int trainId) {
        CityscapesClass.ofTrainId(trainId);
        return counts[trainId];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageClassCounts other && file.equals(other.file) && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * file.hashCode() + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ImageClassCounts[" + file + ", " + Arrays.toString(counts) + "]";
    }
}
