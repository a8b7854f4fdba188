package dev.cluda.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Test helper: SegFormer-keyed tensors with formula values, written as safetensors or npz. */
public final class TestWeights {

    /** A tensor to write: values, shape and the stored dtype (F32, F16, BF16). */
    public record Tensor(float[] values, long[] shape, String dtype) {}

    private TestWeights() {}

    /**
     * Every official key of {@code variant} with the shape of the mapped encoder parameter and values
     * {@code ((i·31 + k·17) mod 97 − 48)/256} (k = key index; LayerNorm weights get 1 + that), exact in
     * F16 and BF16.
     */
    public static LinkedHashMap<String, Tensor> encoderTensors(MixTransformer encoder) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, String> e : MitKeyMap.officialToDjl(encoder.getVariant()).entrySet()) {
            Parameter p = encoder.getParameters().get(e.getValue());
            Shape shape = p.getArray().getShape();
            boolean layerNormWeight = p.getType() == Parameter.Type.GAMMA;
            out.put(e.getKey(), new Tensor(formula(shape.size(), k, layerNormWeight), shape.getShape(), "F32"));
            k++;
        }
        return out;
    }

    static float[] formula(long n, int k, boolean plusOne) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (((i * 31L + k * 17L) % 97) - 48) / 256f + (plusOne ? 1f : 0f);
        }
        return v;
    }

    public static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
        StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long begin = data.size();
            data.write(encode(t.values(), t.dtype()));
            json.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(t.dtype())
                    .append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(begin).append(',').append(data.size()).append("]}");
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            data.writeTo(out);
        }
    }

    /** Writes a deflated npz; dtype F16 is stored as {@code <f2}, anything else as {@code <f4}. */
    static void writeNpz(Path file, Map<String, Tensor> tensors) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                boolean half = t.dtype().equals("F16");
                StringBuilder shape = new StringBuilder("(");
                for (long d : t.shape()) {
                    shape.append(d).append(", ");
                }
                String dims = t.shape().length == 1 ? shape.substring(0, shape.length() - 1) + ")"
                        : (t.shape().length == 0 ? "()" : shape.substring(0, shape.length() - 2) + ")");
                String dict = "{'descr': '" + (half ? "<f2" : "<f4") + "', 'fortran_order': False, 'shape': "
                        + dims + ", }";
                int total = 10 + dict.length() + 1;
                int pad = (64 - total % 64) % 64;
                String header = dict + " ".repeat(pad) + "\n";
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
                zip.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length())
                        .array());
                zip.write(header.getBytes(StandardCharsets.US_ASCII));
                zip.write(encode(t.values(), half ? "F16" : "F32"));
                zip.closeEntry();
            }
        }
    }

    private static byte[] encode(float[] v, String dtype) {
        int width = dtype.equals("F32") ? 4 : 2;
        ByteBuffer b = ByteBuffer.allocate(v.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            switch (dtype) {
                case "F32" -> b.putFloat(f);
                case "BF16" -> b.putShort((short) (Float.floatToIntBits(f) >>> 16)); // exact values only
                case "F16" -> b.putShort(toHalf(f));
                default -> throw new IllegalArgumentException(dtype);
            }
        }
        return b.array();
    }

    /** Float to IEEE half for normal, exactly representable values (test data only). */
    private static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        if (f == 0f) {
            return (short) sign;
        }
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = (bits >>> 13) & 0x3ff;
        if (exp <= 0 || exp >= 31 || (bits & 0x1fff) != 0) {
            throw new IllegalArgumentException(f + " is not an exact normal half");
        }
        return (short) (sign | (exp << 10) | mant);
    }
}
