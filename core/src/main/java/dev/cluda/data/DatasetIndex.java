package dev.cluda.data;

import java.util.List;
import java.util.Objects;

/**
 * What {@link PairedDatasetReader#scan} found: the complete samples, sorted by id, and one
 * {@link BadSampleException} per image whose label file is missing (naming the image and the
 * label path it expected), also sorted by image. A {@link BadSamplePolicy} decides what the
 * problems mean.
 */
public record DatasetIndex(List<SampleRef> samples, List<BadSampleException> missingLabels) {

    public DatasetIndex {
        samples = List.copyOf(Objects.requireNonNull(samples, "samples"));
        missingLabels = List.copyOf(Objects.requireNonNull(missingLabels, "missingLabels"));
    }

    /** Images found, complete or not. */
    public int imageCount() {
        return samples.size() + missingLabels.size();
    }

    /**
     * The samples, if every image has its label.
     *
     * @throws BadSampleException the first missing label otherwise
     */
    public List<SampleRef> requireComplete() throws BadSampleException {
        if (!missingLabels.isEmpty()) {
            throw missingLabels.get(0);
        }
        return samples;
    }
}
