package dev.cluda.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

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

    /**
     * Backpropagates the scalar {@code loss} into the leaves' gradients (accumulating, as
     * {@code GradientCollector.backward} does); with {@code keepGraph} the graph survives for another
     * backward through it ({@code retain_graph=True}), which DJL's collector does not offer.
     */
    public static void backward(NDArray loss, boolean keepGraph) {
        try (NDArray seed = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, keepGraph, false);
        }
    }
}
