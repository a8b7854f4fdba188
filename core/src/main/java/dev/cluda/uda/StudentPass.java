package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import java.util.random.RandomGenerator;

/**
 * One student forward pass on a batch of crops, as the losses of the iteration see it: the
 * segmentation loss against labels at crop size, the pixel contrast on the fused features, and the
 * encoder feature of the feature distance. {@link SingleResolution} is DAFormer's pass,
 * {@link MultiResolution} HRDA's (LR context + HR detail, reference §6.3).
 */
interface StudentPass {

    /**
     * The (weighted) pixel cross-entropy of the pass against {@code labels} (reference §2.6; for
     * HRDA the fused, HR-crop and LR terms of §6.3).
     *
     * @param labels {@code (B, H, W)} train ids or 255 at crop size
     * @param weights {@code (B, H, W)} per-pixel weights, or null
     */
    NDArray crossEntropy(NDArray labels, NDArray weights);

    /**
     * The pixel contrast of §5 on the pass's fused features (§5.4's multi-resolution form for HRDA).
     *
     * @param labels {@code (B, H, W)} at crop size
     * @param confidence {@code (B, H, W)} π at crop size, or null for ρ = 1 (source)
     * @param sourceMask {@code (B, H, W)} 1 where ClassMix pasted source pixels, or null (all one domain)
     */
    NDArray contrast(ContrastTerm term, NDArray labels, NDArray confidence, NDArray sourceMask, RandomGenerator random);

    /** The encoder's last-stage map of the pass (the LR branch for HRDA) for the feature distance (§4). */
    NDArray lastStage();

    /** The images whose last-stage map {@link #lastStage()} is, for the frozen ImageNet model. */
    NDArray encoderInput();
}
