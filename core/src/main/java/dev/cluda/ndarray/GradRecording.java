package dev.cluda.ndarray;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records autograd graphs on the calling thread until closed, like DJL's {@code GradientCollector},
 * but per thread: libtorch's grad mode is thread-local, and DJL allows one collector in the whole
 * process, so two threads that each run a forward and backward pass (the concurrent passes of a
 * training step) open one of these each. Gradients accumulate into the leaves as with the collector;
 * libtorch serialises the accumulation into each leaf.
 */
public final class GradRecording implements AutoCloseable {

    private final boolean previous;

    private GradRecording() {
        Engine.getInstance(); // loads libtorch before the first JNI call
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Starts recording on this thread. */
    public static GradRecording start() {
        return new GradRecording();
    }

    /** Backpropagates the scalar {@code loss} into the leaves' gradients (accumulating). */
    public void backward(NDArray loss) {
        Gradients.backward(loss, false);
    }

    /** Restores the thread's grad mode as it was before {@link #start()}. */
    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
