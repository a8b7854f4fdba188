package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.cluda.ndarray.Scopes;

/**
 * A block of one input array and one output array: subclasses implement {@link #forwardArray} and their
 * shapes; callers use {@link #apply}, which runs it in its own {@link Scopes scope} so that the block's
 * temporaries are freed when it returns (what autograd saves for backward stays alive), as in PyTorch.
 */
abstract class SingleInputBlock extends AbstractBlock {

    /** The block's forward pass on one array; every array it creates but does not return is closed after. */
    final NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return Scopes.apply(x, in -> forwardArray(ps, in, training));
    }

    /** The forward pass itself, for subclasses. */
    abstract NDArray forwardArray(ParameterStore ps, NDArray x, boolean training);

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
}
