package dev.cluda.transform;

import dev.cluda.data.LabelMap;

/**
 * A training sample after {@link TrainTransform}, all planes at the crop size and row-major:
 *
 * @param image the normalised image {@code (3, H, W)}
 * @param label its label {@code (H, W)}, or a stored pseudo-label; null when the input had none
 * @param validMask 0/1 validity of each pixel's pseudo-label {@code (H, W)} (the ignored margins of
 *     reference §2.3, built at full size and cropped with the image); null when none was given
 * @param confidence the stored teacher max probability of each pixel {@code (H, W)} that came with a
 *     precomputed pseudo-label ({@code uda.pseudoLabels = precomputed}); null otherwise
 */
public record TransformedSample(FloatImage image, LabelMap label, float[] validMask, float[] confidence) {

    /** A sample without a stored confidence. */
    public TransformedSample(FloatImage image, LabelMap label, float[] validMask) {
        this(image, label, validMask, null);
    }

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
        if (confidence != null && confidence.length != image.planeSize()) {
            throw new IllegalArgumentException("confidence holds " + confidence.length + " values, the image "
                    + image.planeSize() + " pixels");
        }
    }
}
