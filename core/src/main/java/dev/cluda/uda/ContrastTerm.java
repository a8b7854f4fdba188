package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import dev.cluda.loss.MultiResolutionContrastiveLoss;
import dev.cluda.loss.PixelContrastiveLoss;

/**
 * One contrastive term of the step: the single-resolution loss (§5.3), the multi-resolution loss
 * of an HRDA student (§5.4, null otherwise), the term's weight, and whether its pixels carry the
 * pseudo-label confidence weights (§5.6; source pixels have none).
 */
record ContrastTerm(PixelContrastiveLoss single, MultiResolutionContrastiveLoss multi, double weight,
                    boolean confidenceWeighted) {

    /** The per-pixel weights this term uses: {@code weights}, or null (every pixel 1) when not confidence-weighted. */
    NDArray pixelWeights(NDArray weights) {
        return confidenceWeighted ? weights : null;
    }
}
