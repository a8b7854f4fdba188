package dev.cluda.ndarray;

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

    /** Whether the calling thread records autograd graphs now. */
    public static boolean isRecording() {
        Engine.getInstance();
        return JniUtils.isGradMode();
    }

    /** Disables gradient recording on the calling thread. */
    public static void disableOnThisThread() {
        Engine.getInstance(); // loads libtorch before the first JNI call
        JniUtils.setGradMode(false);
    }
}
