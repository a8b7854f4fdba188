package dev.cluda.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's autograd switch is per thread and on by default in threads the engine did not start
 * (a Spark task thread, a pool worker). The trainer turns it off on its own thread so that only
 * forward passes inside a {@code GradientCollector} record graphs, and in-place updates of
 * weights (optimizer, EMA) are legal (stack notes, "Only one GradientCollector").
 */
public final class GradMode {

    private GradMode() {
    }

    /** libtorch's inter-op thread count, unless the user set it: see {@link #disableOnThisThread}. */
    static final String INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    /**
     * Disables gradient recording on the calling thread, loading the engine first. Before the engine
     * loads, the inter-op thread pool is pinned to one thread unless {@code -Dai.djl.pytorch.num_interop_threads}
     * says otherwise: with the default (one per core) the mixed-image backward returned NaN gradients
     * from finite losses in about half of the CPU runs here, never with one thread; intra-op
     * parallelism (the OpenMP threads that do the arithmetic) is unaffected.
     */
    public static void disableOnThisThread() {
        if (System.getProperty(INTEROP_THREADS) == null) {
            System.setProperty(INTEROP_THREADS, "1");
        }
        Engine.getInstance(); // loads libtorch before the first JNI call
        JniUtils.setGradMode(false);
    }
}
