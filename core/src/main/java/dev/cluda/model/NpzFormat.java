package dev.cluda.model;

import dev.cluda.error.InvalidFileException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reader of numpy {@code .npz} archives (stored or deflated): each {@code name.npy} entry is a tensor
 * {@code name}; the {@code .npy} header gives {@code descr} ({@code <f4}, {@code <f2}, {@code <f8}),
 * {@code fortran_order} (must be False) and {@code shape}.
 */
final class NpzFormat {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpzFormat() {}

    /** The parsed {@code .npy} header and the byte length it occupies. */
    private record Header(String descr, long[] shape, int length) {}

    static WeightFile open(Path path) throws IOException {
        ZipFile zip = new ZipFile(path.toFile());
        try {
            LinkedHashMap<String, WeightFile.Entry> entries = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry ze = all.nextElement();
                if (ze.isDirectory() || !ze.getName().endsWith(".npy")) {
                    continue;
                }
                String name = ze.getName().substring(0, ze.getName().length() - 4);
                Header h;
                try (InputStream in = zip.getInputStream(ze)) {
                    h = header(new DataInputStream(in), path, name);
                }
                WeightFile.Loader loader = () -> {
                    try (InputStream in = zip.getInputStream(ze)) {
                        DataInputStream data = new DataInputStream(in);
                        data.skipNBytes(h.length());
                        return decode(data, h, path, name);
                    }
                };
                entries.put(name, new WeightFile.Entry(name, h.descr(), h.shape(), loader));
            }
            return new WeightFile(path, entries, zip);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static Header header(DataInputStream in, Path path, String name) throws IOException {
        byte[] magic = new byte[6];
        in.readFully(magic);
        if ((magic[0] & 0xff) != 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new InvalidFileException("entry '" + name + ".npy' in " + path + " is not a .npy array");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        int headerLength;
        int prefix;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            prefix = 10;
        } else {
            headerLength = Integer.reverseBytes(in.readInt());
            prefix = 12;
        }
        byte[] text = new byte[headerLength];
        in.readFully(text);
        String dict = new String(text, StandardCharsets.UTF_8);
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new InvalidFileException("entry '" + name + ".npy' in " + path + " has a malformed header: " + dict);
        }
        if (fortran.group(1).equals("True")) {
            throw new InvalidFileException("entry '" + name + ".npy' in " + path
                    + " is in Fortran order; save it with np.ascontiguousarray");
        }
        String dims = shape.group(1).trim();
        long[] s = dims.isEmpty() ? new long[0]
                : java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                        .mapToLong(Long::parseLong).toArray();
        return new Header(descr.group(1), s, prefix + headerLength);
    }

    private static float[] decode(DataInputStream in, Header h, Path path, String name) throws IOException {
        int width = switch (h.descr()) {
            case "<f4" -> 4;
            case "<f2" -> 2;
            case "<f8" -> 8;
            default -> throw new InvalidFileException("entry '" + name + ".npy' in " + path + " has dtype " + h.descr()
                    + "; supported: <f4, <f2, <f8");
        };
        long numel = WeightFile.numel(h.shape());
        if (numel * width > Integer.MAX_VALUE - 8) {
            throw new InvalidFileException("entry '" + name + ".npy' in " + path + " is too large for a Java array");
        }
        byte[] raw = new byte[(int) (numel * width)];
        try {
            in.readFully(raw);
        } catch (java.io.EOFException e) {
            throw new InvalidFileException("entry '" + name + ".npy' in " + path + " is truncated", e);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[(int) numel];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (width) {
                case 4 -> b.getFloat(i * 4);
                case 2 -> WeightFile.halfToFloat(b.getShort(i * 2));
                default -> (float) b.getDouble(i * 8);
            };
        }
        return v;
    }
}
