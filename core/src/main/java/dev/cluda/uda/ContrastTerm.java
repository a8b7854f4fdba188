package dev.cluda.uda;

import dev.cluda.loss.MultiResolutionContrastiveLoss;
import dev.cluda.loss.PixelContrastiveLoss;

/**
 * One contrastive term of the step: the single-resolution loss (§5.3), the multi-resolution loss
 * of an HRDA student (§5.4, null otherwise), and the term's weight.
 */
record ContrastTerm(PixelContrastiveLoss single, MultiResolutionContrastiveLoss multi, double weight) {
}
