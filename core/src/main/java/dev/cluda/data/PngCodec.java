package dev.cluda.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * PNG reading and writing for images and label maps.
 *
 * <p>Labels are always read through the raster, never {@code getRGB}: GTA5 labels are palette
 * PNGs whose palette index is the label id, Cityscapes {@code labelIds} are 8-bit gray and
 * SYNTHIA {@code GT/LABELS} are 16-bit three-channel PNGs with the class id in band 0
 * (stack notes, "Image files"). Every error names the file.
 */
public final class PngCodec {

    private PngCodec() {
    }

    /** Bytes needed for {@link #header}: the 8-byte signature and the IHDR chunk (length, type, 13 data bytes). */
    public static final int HEADER_LENGTH = 33;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /**
     * What a PNG's IHDR chunk says: size, bit depth per sample and colour type (0 grayscale,
     * 2 RGB, 3 palette, 4 grayscale with alpha, 6 RGBA).
     */
    public record PngHeader(int width, int height, int bitDepth, int colourType) {

        /** Samples per pixel in the file (a palette index counts as one). */
        public int channels() {
            return switch (colourType) {
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> 1;
            };
        }

        /** "grayscale", "RGB", "palette", ... for messages. */
        public String colourTypeName() {
            return switch (colourType) {
                case 0 -> "grayscale";
                case 2 -> "RGB";
                case 3 -> "palette";
                case 4 -> "grayscale with alpha";
                case 6 -> "RGBA";
                default -> "invalid";
            };
        }
    }

    /**
     * The image format announced by a file's first bytes: "PNG", "JPEG", "GIF", "BMP", "TIFF",
     * "WebP", or null if none of these.
     */
    public static String formatOf(byte[] start) {
        if (startsWith(start, PNG_SIGNATURE)) {
            return "PNG";
        }
        if (startsWith(start, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
            return "JPEG";
        }
        if (startsWith(start, "GIF8".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return "GIF";
        }
        if (startsWith(start, new byte[] {'B', 'M'})) {
            return "BMP";
        }
        if (startsWith(start, new byte[] {'I', 'I', 42, 0}) || startsWith(start, new byte[] {'M', 'M', 0, 42})) {
            return "TIFF";
        }
        if (start.length >= 12 && startsWith(start, new byte[] {'R', 'I', 'F', 'F'})
                && start[8] == 'W' && start[9] == 'E' && start[10] == 'B' && start[11] == 'P') {
            return "WebP";
        }
        return null;
    }

    /**
     * Reads the IHDR of a PNG from its first {@value #HEADER_LENGTH} (or more) bytes.
     *
     * @throws BadSampleException naming {@code file} if the bytes are not a PNG (saying what they
     *     are, e.g. "is a JPEG, not a PNG") or too short to hold the header
     */
    public static PngHeader header(byte[] start, String file) throws BadSampleException {
        String format = formatOf(start);
        if (format == null) {
            throw new BadSampleException(file, "not a PNG or other readable image (unknown format)");
        }
        if (!"PNG".equals(format)) {
            throw new BadSampleException(file, "is a " + format + ", not a PNG; label files must be PNGs "
                    + "(lossy formats change label ids), so re-export it as PNG");
        }
        if (start.length < HEADER_LENGTH || start[12] != 'I' || start[13] != 'H' || start[14] != 'D' || start[15] != 'R') {
            throw new BadSampleException(file, "truncated or corrupt image data (no PNG IHDR header in the first "
                    + start.length + " bytes)");
        }
        return new PngHeader(int32(start, 16), int32(start, 20), start[24] & 0xFF, start[25] & 0xFF);
    }

    /**
     * Checks that an image file is a PNG or a JPEG by its first bytes.
     *
     * @return "PNG" or "JPEG"
     * @throws BadSampleException naming {@code file} otherwise
     */
    public static String requireImageFormat(byte[] start, String file) throws BadSampleException {
        String format = formatOf(start);
        if (format == null) {
            throw new BadSampleException(file, "not a PNG or JPEG image (unknown format)");
        }
        if (!"PNG".equals(format) && !"JPEG".equals(format)) {
            throw new BadSampleException(file, "is a " + format + "; images must be PNG or JPEG, so convert it");
        }
        return format;
    }

    /** {@code in}, or a buffered view of it, such that {@link #peek} works. */
    static InputStream markable(InputStream in) {
        return in.markSupported() ? in : new BufferedInputStream(in);
    }

    /** The first {@code n} bytes (fewer if the stream is shorter) of a {@link #markable} stream, left unread. */
    static byte[] peek(InputStream in, int n) throws IOException {
        in.mark(n);
        try {
            return in.readNBytes(n);
        } finally {
            in.reset();
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /**
     * Decodes a PNG (or any ImageIO format) and fails with the file name if it is not one.
     *
     * <p>The stream is cached in memory, not in a temporary file ({@code ImageIO}'s default for a
     * plain {@code InputStream}: a file per image, created and deleted under a global lock), and PNG
     * and JPEG readers come straight from their providers, found once, instead of asking every
     * registered reader per image: together about twice the single-thread decode rate, and decoding
     * on several threads scales (docs/BENCHMARKS.md, Spark jobs).
     */
    public static BufferedImage decode(InputStream in, String name) throws IOException {
        BufferedImage image;
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            ImageReader reader = readerFor(iis, name);
            try {
                reader.setInput(iis, true, true);
                image = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new BadSampleException(name, "truncated or corrupt image data (" + e.getMessage() + ")", e);
            } finally {
                reader.dispose();
            }
        }
        if (image == null) {
            throw new BadSampleException(name, "decoder returned no image");
        }
        return image;
    }

    private static ImageReader readerFor(ImageInputStream iis, String name) throws IOException {
        byte[] start = new byte[PNG_SIGNATURE.length];
        iis.mark();
        int n = iis.read(start);
        iis.reset();
        String format = n == start.length ? formatOf(start) : null;
        ImageReaderSpi known = "PNG".equals(format) ? Readers.PNG : "JPEG".equals(format) ? Readers.JPEG : null;
        if (known != null) {
            return known.createReaderInstance();
        }
        var readers = ImageIO.getImageReaders(iis);
        if (!readers.hasNext()) {
            throw new BadSampleException(name, "not a PNG or other readable image (unknown format)");
        }
        return readers.next();
    }

    /** The JDK's PNG and JPEG reader providers, looked up once (null where a JDK has none). */
    private static final class Readers {
        static final ImageReaderSpi PNG = provider("png");
        static final ImageReaderSpi JPEG = provider("jpeg");

        private static ImageReaderSpi provider(String format) {
            var readers = ImageIO.getImageReadersByFormatName(format);
            return readers.hasNext() ? readers.next().getOriginatingProvider() : null;
        }
    }

    /**
     * Reads a dataset or input image: a PNG or a JPEG, told apart by its first bytes (not its
     * name), as 8-bit RGB ({@link #readRgb}). A JPEG's EXIF orientation is not applied (ImageIO
     * ignores it): the pixels are used as stored, so a photo a camera stored sideways is predicted sideways.
     *
     * @throws BadSampleException naming {@code name} for another format or undecodable data
     */
    public static RgbImage readImage(InputStream in, String name) throws IOException {
        InputStream markable = markable(in);
        requireImageFormat(peek(markable, HEADER_LENGTH), name);
        return readRgb(markable, name);
    }

    /** Reads a colour image as 8-bit RGB. Gray images are expanded to three equal channels. */
    public static RgbImage readRgb(InputStream in, String name) throws IOException {
        BufferedImage image = decode(in, name);
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        RgbImage out = RgbImage.blank(w, h);
        if (image.getColorModel() instanceof IndexColorModel || raster.getNumBands() < 3
                || raster.getSampleModel().getSampleSize(0) != 8) {
            // Palette, gray or 16-bit: let the colour model convert, this is not the hot path.
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = image.getRGB(x, y);
                    out.set(x, y, (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF);
                }
            }
            return out;
        }
        int[] row = new int[w * raster.getNumBands()];
        int bands = raster.getNumBands();
        byte[] rgb = out.rgb();
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) row[x * bands];
                rgb[o + 1] = (byte) row[x * bands + 1];
                rgb[o + 2] = (byte) row[x * bands + 2];
            }
        }
        return out;
    }

    /**
     * Reads band 0 of an 8-bit label PNG (gray or palette index) as raw values.
     *
     * @throws BadSampleException if the file is not 8-bit
     */
    public static LabelMap readLabel8(InputStream in, String name) throws IOException {
        BufferedImage image = decode(in, name);
        Raster raster = image.getRaster();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bits > 8) {
            throw new BadSampleException(name, "expected an 8-bit label PNG (gray or palette), found "
                    + bits + "-bit samples");
        }
        return band0(raster, name, 255);
    }

    /**
     * Reads band 0 of a 16-bit label PNG (SYNTHIA {@code GT/LABELS}); values above 255 are an
     * error since no class id is that large.
     *
     * @throws BadSampleException if the file is not 16-bit
     */
    public static LabelMap readLabel16Band0(InputStream in, String name) throws IOException {
        BufferedImage image = decode(in, name);
        Raster raster = image.getRaster();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bits != 16) {
            throw new BadSampleException(name, "expected a 16-bit label PNG (SYNTHIA GT/LABELS), found "
                    + bits + "-bit samples");
        }
        return band0(raster, name, 255);
    }

    private static LabelMap band0(Raster raster, String name, int maxValue) throws BadSampleException {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] ids = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int v = row[x];
                if (v > maxValue) {
                    throw new BadSampleException(name, "label value " + v + " at (" + x + ", " + y
                            + ") is larger than any class id (max " + maxValue + ")");
                }
                ids[y * w + x] = (byte) v;
            }
        }
        return new LabelMap(w, h, ids);
    }

    /** Encodes an RGB image as a PNG. */
    public static void writeRgb(RgbImage image, OutputStream out) throws IOException {
        BufferedImage bi = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = bi.getRaster();
        int[] row = new int[image.width() * 3];
        byte[] rgb = image.rgb();
        for (int y = 0; y < image.height(); y++) {
            for (int i = 0; i < row.length; i++) {
                row[i] = rgb[y * row.length + i] & 0xFF;
            }
            raster.setPixels(0, y, image.width(), 1, row);
        }
        write(bi, out);
    }

    /** Encodes a label map as an 8-bit gray PNG (Cityscapes {@code labelIds}, predictions). */
    public static void writeGray8(LabelMap labels, OutputStream out) throws IOException {
        BufferedImage bi = new BufferedImage(labels.width(), labels.height(), BufferedImage.TYPE_BYTE_GRAY);
        bi.getRaster().setDataElements(0, 0, labels.width(), labels.height(), labels.ids().clone());
        write(bi, out);
    }

    /**
     * Encodes a label map as an 8-bit palette PNG whose index is the label value (GTA5
     * {@code labels/}); {@code palette} gives 0xRRGGBB per index, missing entries black.
     */
    public static void writePalette8(LabelMap labels, int[] palette, OutputStream out) throws IOException {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < Math.min(256, palette.length); i++) {
            r[i] = (byte) (palette[i] >> 16);
            g[i] = (byte) (palette[i] >> 8);
            b[i] = (byte) palette[i];
        }
        IndexColorModel model = new IndexColorModel(8, 256, r, g, b);
        BufferedImage bi = new BufferedImage(labels.width(), labels.height(), BufferedImage.TYPE_BYTE_INDEXED, model);
        bi.getRaster().setDataElements(0, 0, labels.width(), labels.height(), labels.ids().clone());
        write(bi, out);
    }

    /** Encodes a 16-bit, three-channel PNG whose first channel holds {@code band0} (SYNTHIA layout). */
    public static void writeLabel16x3(LabelMap band0, int[] band1, int[] band2, OutputStream out) throws IOException {
        int w = band0.width();
        int h = band0.height();
        var cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
        var cm = new java.awt.image.ComponentColorModel(cs, new int[] {16, 16, 16}, false, false,
                java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                raster.setSample(x, y, 0, band0.get(x, y));
                raster.setSample(x, y, 1, band1 == null ? 0 : band1[i]);
                raster.setSample(x, y, 2, band2 == null ? 0 : band2[i]);
            }
        }
        write(new BufferedImage(cm, raster, false, null), out);
    }

    /** Encodes to bytes; convenient for atomic writes. */
    public static byte[] toBytes(IoWriter writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writer.write(bytes);
        return bytes.toByteArray();
    }

    /** A write into a stream, for {@link #toBytes}. */
    @FunctionalInterface
    public interface IoWriter {
        void write(OutputStream out) throws IOException;
    }

    private static void write(BufferedImage image, OutputStream out) throws IOException {
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available for image type " + image.getType());
        }
    }
}
