package dev.cluda.data;

import java.util.Objects;

/**
 * Where one sample lives: its image and, if it has one, its label file. {@code id} is unique
 * within a dataset and stable across runs (used for sharding, statistics and file names of
 * predictions); {@code split} and {@code city} are empty where the layout has none.
 */
public record SampleRef(String id, String imagePath, String labelPath, String split, String city) {

    public SampleRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(imagePath, "imagePath");
        split = split == null ? "" : split;
        city = city == null ? "" : city;
    }

    public boolean hasLabel() {
        return labelPath != null;
    }

    /** The image's file name, the name a prediction PNG for it carries. */
    public String imageFileName() {
        int slash = imagePath.lastIndexOf('/');
        return slash < 0 ? imagePath : imagePath.substring(slash + 1);
    }
}
