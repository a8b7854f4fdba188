package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A MiT block part that maps a token map {@code (B, H, W, C)} to one of the same shape (attention,
 * Mix-FFN, the whole transformer block): subclasses implement {@link #apply} only.
 */
abstract class TokenBlock extends AbstractBlock {

    /** {@code (B, H, W, C)} → {@code (B, H, W, C)}. */
    abstract NDArray apply(ParameterStore ps, NDArray x, boolean training);

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
