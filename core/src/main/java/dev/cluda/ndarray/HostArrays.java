package dev.cluda.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * NDArrays made from Java arrays whose memory libtorch owns.
 *
 * <p>On CPU, DJL's {@code manager.create(float[])} wraps a direct ByteBuffer with
 * {@code torch::from_blob} and keeps the buffer alive only through the Java handle. A tensor the
 * autograd graph saved for backward (a dropout mask, an interpolation matrix, an index) outlives a
 * handle closed with its sub-manager; the garbage collector then frees the buffer under it, and
 * backward reads freed memory: nondeterministic NaN gradients from finite losses. Cloning once
 * into libtorch memory makes every such array safe to close early.
 */
public final class HostArrays {

    private HostArrays() {
    }

    public static NDArray create(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray create(NDManager manager, int[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray create(NDManager manager, long[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray create(NDManager manager, float[] data) {
        return create(manager, data, new Shape(data.length));
    }

    public static NDArray create(NDManager manager, int[] data) {
        return create(manager, data, new Shape(data.length));
    }

    public static NDArray create(NDManager manager, long[] data) {
        return create(manager, data, new Shape(data.length));
    }

    public static NDArray create(NDManager manager, boolean[] data) {
        return owned(manager.create(data));
    }

    public static NDArray create(NDManager manager, double[] data) {
        return owned(manager.create(data));
    }

    /** A scalar. */
    public static NDArray scalar(NDManager manager, double value) {
        return owned(manager.create(value));
    }

    /** A scalar. */
    public static NDArray scalar(NDManager manager, float value) {
        return owned(manager.create(value));
    }

    /** A scalar. */
    public static NDArray scalar(NDManager manager, long value) {
        return owned(manager.create(value));
    }

    private static NDArray owned(NDArray blobBacked) {
        if (blobBacked.getDevice().isGpu()) {
            return blobBacked; // copied to the device already; no host buffer behind it
        }
        NDArray copy = blobBacked.duplicate();
        blobBacked.close();
        return copy;
    }
}
