package dev.cluda.data;

import java.util.Objects;

/** A decoded sample: the RGB image and its label in train ids (255 = ignore), or no label. */
public record Sample(SampleRef ref, RgbImage image, LabelMap trainIds) {

    public Sample {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(image, "image");
        if (trainIds != null && (trainIds.width() != image.width() || trainIds.height() != image.height())) {
            throw new IllegalArgumentException(ref.labelPath() + ": label is " + trainIds.width() + "x"
                    + trainIds.height() + " but its image " + ref.imagePath() + " is " + image.width()
                    + "x" + image.height());
        }
    }
}
