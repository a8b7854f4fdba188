package dev.cluda.parallel;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.cluda.ndarray.HostArrays;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Copies between float32 NDArrays and ranges of a host {@code float[]}, for the flat buffers of
 * data-parallel training. On CPU DJL's {@code toByteBuffer(true)} of a contiguous array is a
 * zero-copy view of libtorch's storage (stack notes "Flat gradients"): reads are one memcpy and
 * writes through the view change the array in place. On a GPU the same call makes one
 * device-to-host copy, and writes go back with {@code set(NDIndex("..."), array)}.
 */
final class HostCopy {

    private HostCopy() {
    }

    /** Copies all of {@code array} (float32) into {@code into[offset ..]}. */
    static void read(NDArray array, float[] into, int offset) {
        checkFloat(array);
        FloatBuffer view = array.toByteBuffer(true).asFloatBuffer();
        int n = Math.toIntExact(array.size());
        if (view.remaining() != n) {
            throw new IllegalStateException("host view of " + array.getShape() + " holds " + view.remaining()
                    + " floats, expected " + n);
        }
        view.get(into, offset, n);
    }

    /**
     * Overwrites {@code array} in place with {@code from[offset .. offset + size)}.
     *
     * @param viewWrites whether writing through the host view reaches the array (see
     *     {@link #viewWritesThrough}); false uses {@code set}, which always does
     */
    static void write(NDArray array, float[] from, int offset, boolean viewWrites) {
        checkFloat(array);
        int n = Math.toIntExact(array.size());
        if (viewWrites) {
            array.toByteBuffer(true).asFloatBuffer().put(from, offset, n);
            return;
        }
        try (NDManager scratch = array.getManager().newSubManager()) {
            NDArray value = HostArrays.create(scratch, Arrays.copyOfRange(from, offset, offset + n), array.getShape());
            if (!value.getDevice().equals(array.getDevice())) {
                value = value.toDevice(array.getDevice(), false);
                value.attach(scratch);
            }
            array.set(new NDIndex("..."), value);
        }
    }

    /**
     * Whether writing through the host view of {@code array} changes the array itself (a CPU
     * array whose view is its storage) rather than a copy (a device array, a non-contiguous one).
     * Probed by changing element 0 through the view, reading it back through a fresh handle from
     * {@code reopen}, and restoring it.
     */
    static boolean viewWritesThrough(NDArray array, Supplier<NDArray> reopen) {
        checkFloat(array);
        if (!Device.cpu().equals(array.getDevice()) || array.size() == 0) {
            return false;
        }
        ByteBuffer view = array.toByteBuffer(true);
        float old = view.getFloat(0);
        float probe = old == 1f ? 2f : 1f;
        view.putFloat(0, probe);
        boolean reached = reopen.get().toByteBuffer(true).getFloat(0) == probe;
        view.putFloat(0, old);
        return reached;
    }

    private static void checkFloat(NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("flat buffers hold float32 arrays, got " + array.getDataType()
                    + " of shape " + array.getShape());
        }
    }
}
