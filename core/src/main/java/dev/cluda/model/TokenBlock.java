package dev.cluda.model;

import ai.djl.ndarray.types.Shape;

/**
 * A MiT block part that maps a token map {@code (B, H, W, C)} to one of the same shape (attention,
 * Mix-FFN, the whole transformer block): subclasses implement {@link #forwardArray} only.
 */
abstract class TokenBlock extends SingleInputBlock {

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
