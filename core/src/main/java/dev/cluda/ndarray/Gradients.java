package dev.cluda.ndarray;

import ai.djl.ndarray.NDArray;

/**
 * A parameter's gradient, or none: a parameter no loss of the step reached (CLUDA's feature-weight
 * head before the contrastive terms start, reference §5.4) has no gradient yet, and DJL's
 * {@code getGradient()} throws for it where PyTorch has {@code p.grad is None}.
 */
public final class Gradients {

    private Gradients() {
    }

    /** The gradient of {@code weight} (a new handle, to attach to the step's manager), or null if it has none yet. */
    public static NDArray of(NDArray weight) {
        try {
            return weight.getGradient();
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
