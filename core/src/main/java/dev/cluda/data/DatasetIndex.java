package dev.cluda.data;

import java.util.List;
import java.util.Objects;

/**
 * What {@link PairedDatasetReader#scan} found: the complete samples, sorted by id, and one
 * {@link BadSampleException} per image whose label file is missing (naming the image and the
 * label path it expected), also sorted by image, with the same images as unlabelled samples. A
 * {@link BadSamplePolicy} decides what a missing label means where labels are needed.
 */
public record DatasetIndex(List<SampleRef> samples, List<BadSampleException> missingLabels,
                           List<SampleRef> unlabelled) {

    public DatasetIndex {
        samples = List.copyOf(Objects.requireNonNull(samples, "samples"));
        missingLabels = List.copyOf(Objects.requireNonNull(missingLabels, "missingLabels"));
        unlabelled = List.copyOf(Objects.requireNonNull(unlabelled, "unlabelled"));
    }

    /**
     * Every image as a sample, those without a label file having none: the unlabelled target
     * domain of UDA (new camera data has no labels), sorted by id.
     */
    public List<SampleRef> allImages() {
        List<SampleRef> all = new java.util.ArrayList<>(samples);
        all.addAll(unlabelled);
        all.sort(java.util.Comparator.comparing(SampleRef::id));
        return all;
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
