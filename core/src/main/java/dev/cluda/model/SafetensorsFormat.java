package dev.cluda.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.error.InvalidFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader of the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name → {dtype, shape, data_offsets: [begin, end]}} plus optional {@code __metadata__}), then the
 * raw little-endian data, offsets relative to its start. F32, F16, BF16 and F64 are widened/narrowed to
 * float in Java (DJL 0.36 crashes on BF16 tensors, so none is ever created natively).
 */
final class SafetensorsFormat {

    private static final long MAX_HEADER = 100L << 20;

    private SafetensorsFormat() {}

    static WeightFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, len, 0, path);
            long headerLength = len.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new InvalidFileException(path + " is not a safetensors file: header length " + headerLength
                        + " for a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8, path);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(header.array());
            } catch (IOException e) {
                throw new InvalidFileException(path + " has a malformed safetensors JSON header: " + e.getMessage(), e);
            }
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            LinkedHashMap<String, WeightFile.Entry> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("__metadata__")) {
                    continue;
                }
                entries.put(field.getKey(), entry(path, channel, field.getKey(), field.getValue(), dataStart,
                        dataLength));
            }
            return new WeightFile(path, entries, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static WeightFile.Entry entry(Path path, FileChannel channel, String name, JsonNode node,
            long dataStart, long dataLength) throws IOException {
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (!node.hasNonNull("dtype") || shapeNode == null || !shapeNode.isArray() || offsets == null
                || offsets.size() != 2) {
            throw new InvalidFileException("tensor '" + name + "' in " + path + " lacks dtype, shape or data_offsets");
        }
        String dtype = node.get("dtype").asText();
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        int width = switch (dtype) {
            case "F64" -> 8;
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> 0; // unsupported: reported when read, so ignored keys may hold anything
        };
        if (begin < 0 || end < begin || end > dataLength
                || (width > 0 && end - begin != WeightFile.numel(shape) * width)) {
            throw new InvalidFileException("tensor '" + name + "' in " + path + " has data_offsets [" + begin + ", "
                    + end + "] that do not fit its " + dtype + " shape or the file");
        }
        WeightFile.Loader loader = () -> {
            if (width == 0) {
                throw new InvalidFileException("tensor '" + name + "' in " + path + " has dtype " + dtype
                        + "; supported: F32, F16, BF16, F64");
            }
            if (WeightFile.numel(shape) > Integer.MAX_VALUE - 8) {
                throw new InvalidFileException("tensor '" + name + "' in " + path + " is too large for a Java array");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, bytes, dataStart + begin, path);
            return decode(bytes, dtype, (int) WeightFile.numel(shape));
        };
        return new WeightFile.Entry(name, dtype, shape, loader);
    }

    private static float[] decode(ByteBuffer b, String dtype, int n) {
        float[] v = new float[n];
        switch (dtype) {
            case "F32" -> b.asFloatBuffer().get(v);
            case "F64" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = (float) b.getDouble(i * 8);
                }
            }
            case "F16" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = WeightFile.halfToFloat(b.getShort(i * 2));
                }
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = WeightFile.bf16ToFloat(b.getShort(i * 2));
                }
            }
            default -> throw new IllegalStateException("unchecked dtype " + dtype);
        }
        return v;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path path)
            throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new InvalidFileException(path + " ends early: truncated safetensors file");
            }
            pos += n;
        }
        buffer.flip();
    }
}
