package dev.cluda.ndarray;

import ai.djl.ndarray.NDArray;

/**
 * Multiplication and division by a Java number that are safe to differentiate.
 *
 * <p>DJL's {@code x.mul(Number)} wraps the number in a from_blob tensor over a direct buffer,
 * multiplies and closes the wrapper at once; autograd has saved that tensor for backward
 * ({@code grad_x = grad · s}), so once the garbage collector frees the buffer, backward multiplies
 * by whatever memory is there: random NaN gradients from finite losses. These helpers use a scalar
 * whose memory libtorch owns ({@link HostArrays#scalar}). Use them on every path that records
 * gradients; in-place updates outside a gradient collector (optimizer, EMA) may use DJL's own.
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code x · value}, differentiable in {@code x}. */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray s = like(x, value)) {
            return x.mul(s);
        }
    }

    /** {@code x / value}, differentiable in {@code x}. */
    public static NDArray div(NDArray x, double value) {
        try (NDArray s = like(x, value)) {
            return x.div(s);
        }
    }

    private static NDArray like(NDArray x, double value) {
        NDArray s = HostArrays.scalar(x.getManager(), value);
        NDArray typed = s.toType(x.getDataType(), true);
        if (typed != s) {
            s.close();
        }
        return typed.toDevice(x.getDevice(), false);
    }
}
