package dev.cluda.parallel;

import ai.djl.ndarray.NDArray;
import dev.cluda.ndarray.Gradients;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gradients of every trainable parameter of a block as one contiguous {@code float[]}
 * (reference §13, "Data-parallel replicas"): parameters in the order of their structural names, so every rank of
 * the same model lays the buffer out alike; each parameter's gradient occupies
 * {@code [offset(i), offset(i) + size(i))}. {@link #read} makes one device-to-host copy per
 * parameter (on CPU a memcpy from the zero-copy view); {@link #write} puts values back into the
 * gradients in place, through the view where that reaches the gradient (probed once per
 * parameter), otherwise with {@code set}.
 *
 * <p>Gradient handles come from {@code getGradient()}, which returns a new handle each call;
 * they are attached to the manager passed in (the step's), which closes them. Not thread-safe.
 */
public final class GradientBuffer {

    private final List<String> names;
    private final List<Parameter> parameters;
    private final int[] offsets;
    private final int length;
    /** Per parameter: null until the first write, then whether writing through the view reaches it. */
    private final Boolean[] viewWrites;

    private GradientBuffer(Map<String, Parameter> byName) {
        names = List.copyOf(byName.keySet());
        parameters = List.copyOf(byName.values());
        offsets = new int[parameters.size() + 1];
        long total = 0;
        for (int i = 0; i < parameters.size(); i++) {
            offsets[i] = Math.toIntExact(total);
            total += parameters.get(i).getArray().size();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " trainable values do not fit one Java array; "
                    + "split the model's parameters into several buffers");
        }
        length = (int) total;
        offsets[parameters.size()] = length;
        viewWrites = new Boolean[parameters.size()];
    }

    /**
     * The buffer layout of {@code block}'s trainable parameters (those that require gradients).
     *
     * @throws IllegalArgumentException if the block has none, or is not initialized
     */
    public static GradientBuffer of(Block block) {
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("initialize the block before laying out its gradients");
        }
        Map<String, Parameter> byName = new TreeMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                byName.put(p.getKey(), p.getValue());
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("the block has no parameter that requires a gradient");
        }
        return new GradientBuffer(byName);
    }

    /** Number of floats: the trainable parameter count. */
    public int length() {
        return length;
    }

    /** Parameter names in buffer order. */
    public List<String> names() {
        return names;
    }

    /** Start of parameter {@code i} (in {@link #names()} order) in the buffer. */
    public int offset(int i) {
        return offsets[i];
    }

    /** A new array holding every gradient; see {@link #read(NDManager, float[], int)}. */
    public float[] read(NDManager step) {
        float[] out = new float[length];
        read(step, out, 0);
        return out;
    }

    /**
     * Copies every gradient into {@code into[offset .. offset + length())}.
     *
     * @param step the manager the gradient handles are attached to (the iteration's)
     */
    public void read(NDManager step, float[] into, int offset) {
        checkRange(into, offset);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray grad = gradient(i, step);
            if (grad == null) {
                // no loss reached it yet on any rank (same configuration): it contributes zeros
                java.util.Arrays.fill(into, offset + offsets[i], offset + offsets[i + 1], 0f);
            } else {
                HostCopy.read(grad, into, offset + offsets[i]);
            }
        }
    }

    /**
     * Overwrites every gradient in place with {@code from[offset .. offset + length())}; the
     * parameters' {@code getGradient()} show the new values afterwards.
     */
    public void write(NDManager step, float[] from, int offset) {
        checkRange(from, offset);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray grad = gradient(i, step);
            if (grad == null) {
                continue;
            }
            if (viewWrites[i] == null) {
                int index = i;
                viewWrites[i] = HostCopy.viewWritesThrough(grad, () -> gradient(index, step));
            }
            HostCopy.write(grad, from, offset + offsets[i], viewWrites[i]);
        }
    }

    /** How many parameters were found to take writes through the host view (for diagnostics). */
    public int viewWritableCount() {
        int n = 0;
        for (Boolean b : viewWrites) {
            n += Boolean.TRUE.equals(b) ? 1 : 0;
        }
        return n;
    }

    /** The gradient of parameter {@code i} attached to {@code step}, or null if no loss reached it yet. */
    private NDArray gradient(int i, NDManager step) {
        NDArray grad = Gradients.of(parameters.get(i).getArray());
        if (grad != null) {
            grad.attach(step);
        }
        return grad;
    }

    private void checkRange(float[] buffer, int offset) {
        if (offset < 0 || buffer.length - offset < length) {
            throw new IllegalArgumentException("buffer of " + buffer.length + " floats from offset " + offset
                    + " cannot hold " + length + " gradient values");
        }
    }
}
