package dev.cluda.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;

/**
 * Runs a piece of a forward pass in its own sub-manager, so that only what it returns outlives it.
 *
 * <p>A DJL array lives until its manager closes, while PyTorch frees a temporary as soon as nothing
 * refers to it. Without scopes every intermediate of a pass (attention logits, resized copies,
 * layout copies) stays allocated until the step's manager closes, on top of what autograd saves for
 * backward. Closing a scope drops the Java handles only: libtorch's autograd graph holds its own
 * references to the tensors backward needs, so gradients are unchanged.
 */
public final class Scopes {

    private Scopes() {
    }

    /**
     * {@code body(x)} with every array it creates on {@code x}'s manager closed afterwards, except the
     * result, which joins {@code x}'s manager.
     */
    public static NDArray apply(NDArray x, UnaryOperator<NDArray> body) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager(x.getDevice())) {
            x.tempAttach(scope);
            NDArray out = body.apply(x);
            out.attach(parent);
            return out;
        }
    }

    /**
     * {@code body(xs)} with every array it creates on the first input's manager closed afterwards,
     * except the arrays of the result, which join that manager. Every input must share that manager.
     */
    public static NDList apply(NDList xs, UnaryOperator<NDList> body) {
        NDManager parent = xs.head().getManager();
        for (NDArray x : xs) {
            if (x.getManager() != parent) {
                throw new IllegalArgumentException("every input of a scope must share one manager, but "
                        + x.getShape() + " is on " + x.getManager().getName() + ", not " + parent.getName());
            }
        }
        try (NDManager scope = parent.newSubManager(xs.head().getDevice())) {
            for (NDArray x : xs) {
                x.tempAttach(scope);
            }
            NDList out = body.apply(xs);
            for (NDArray y : out) {
                y.attach(parent);
            }
            return out;
        }
    }
}
