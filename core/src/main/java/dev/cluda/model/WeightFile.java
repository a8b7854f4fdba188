package dev.cluda.model;

import dev.cluda.error.UserInputException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An open weight file: its tensors by name (header only), each read on demand as {@code float[]}.
 * Formats: {@code .safetensors} (F32, F16, BF16, F64) and {@code .npz} ({@code <f4}, {@code <f2},
 * {@code <f8}). Errors are {@link IOException}s naming the file.
 */
final class WeightFile implements Closeable {

    /** Reads one tensor's values, widened to float, in row-major order. */
    interface Loader {
        float[] read() throws IOException;
    }

    /**
     * One stored tensor.
     *
     * @param dtype the stored type as the format spells it ({@code F32}, {@code BF16}, {@code <f2} …)
     * @param shape the stored shape ({@code []} for a scalar)
     */
    record Entry(String name, String dtype, long[] shape, Loader loader) {}

    private final Path path;
    private final Map<String, Entry> entries;
    private final Closeable resource;

    WeightFile(Path path, LinkedHashMap<String, Entry> entries, Closeable resource) {
        this.path = path;
        this.entries = Collections.unmodifiableMap(entries);
        this.resource = resource;
    }

    /**
     * Opens a file by its extension.
     *
     * @throws IllegalArgumentException for an extension other than {@code .safetensors} or {@code .npz}
     * @throws IOException if the file cannot be read or is malformed
     */
    static WeightFile open(Path path) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return SafetensorsFormat.open(path);
        }
        if (name.endsWith(".npz")) {
            return NpzFormat.open(path);
        }
        throw new UserInputException("cannot read weights from " + path
                + ": use a .safetensors or .npz file (see PretrainedWeights for the .pth conversion)");
    }

    Path path() {
        return path;
    }

    /** Tensors by name, in file order. */
    Map<String, Entry> entries() {
        return entries;
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** IEEE half precision bits to float. */
    static float halfToFloat(int bits) {
        int sign = (bits >>> 15) & 1;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f; // zero or subnormal
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
        }
        return sign == 1 ? -v : v;
    }

    /** bfloat16 bits to float (the upper half of a float32). */
    static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
