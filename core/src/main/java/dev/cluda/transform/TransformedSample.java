package dev.cluda.transform;

import dev.cluda.data.LabelMap;

/**
 * A training sample after {@link TrainTransform}: the normalised image {@code (3, H, W)}, its
 * label {@code (H, W)} (null when the input had none) and the valid-pseudo mask {@code (H, W)},
 * row-major 0/1 (null when none was given), all at the crop size.
 */
public record TransformedSample(FloatImage image, LabelMap label, float[] validMask) {

    public TransformedSample {
        if (image == null) {
            throw new IllegalArgumentException("image is required");
        }
        if (label != null && (label.width() != image.width() || label.height() != image.height())) {
            throw new IllegalArgumentException("label is " + label.width() + "x" + label.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        if (validMask != null && validMask.length != image.planeSize()) {
            throw new IllegalArgumentException("valid mask holds " + validMask.length + " values, the image "
                    + image.planeSize() + " pixels");
        }
    }
}
