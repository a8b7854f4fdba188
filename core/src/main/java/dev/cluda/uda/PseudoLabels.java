package dev.cluda.uda;

import ai.djl.ndarray.NDArray;

/**
 * The teacher's pseudo-labels of a target batch (reference §2.2).
 *
 * @param labels arg-max class per pixel, {@code (B, H, W)} int64
 * @param weights confidence weight q of the pixel's image times the validity mask,
 *     {@code (B, H, W)} float32
 * @param confidence q per image: the fraction of its pixels with max probability ≥ threshold
 * @param meanMaxProbability the mean over all B·H·W pixels of the max probability (the
 *     {@code pseudo_conf} metric)
 */
record PseudoLabels(NDArray labels, NDArray weights, float[] confidence, double meanMaxProbability)
        implements AutoCloseable {

    public PseudoLabels {
        confidence = confidence.clone();
    }

    @Override
    public float[] confidence() {
        return confidence.clone();
    }

    /** Closes both arrays. */
    @Override
    public void close() {
        labels.close();
        weights.close();
    }
}
