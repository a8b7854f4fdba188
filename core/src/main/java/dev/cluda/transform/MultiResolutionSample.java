package dev.cluda.transform;

import java.util.Objects;

/**
 * One HRDA training input (reference §6.3): the whole context crop at low resolution and a
 * full-resolution detail crop of it.
 *
 * @param lowResolution the context crop resized by {@code hrda.scale} (e.g. 1024 → 512)
 * @param detail        the context crop's pixels under {@code box}, unresized (e.g. 512x512)
 * @param box           where {@code detail} lies in the full-resolution context crop
 */
public record MultiResolutionSample(FloatImage lowResolution, FloatImage detail, DetailBox box) {

    public MultiResolutionSample {
        Objects.requireNonNull(lowResolution, "lowResolution");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(box, "box");
        if (detail.width() != box.width() || detail.height() != box.height()) {
            throw new IllegalArgumentException("detail image is " + detail.width() + "x" + detail.height()
                    + " but its box is " + box.width() + "x" + box.height());
        }
    }
}
