package dev.cluda.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the tiny GTA5 and SYNTHIA fixtures under {@code core/src/test/resources/fixtures/} in
 * the exact raw formats, and gives tests the pixel values they hold. Re-make them with
 * <pre>
 * mvn -q -o -pl core test-compile
 * java -cp core/target/classes:core/target/test-classes dev.cluda.data.DatasetFixtures core/src/test/resources/fixtures
 * </pre>
 *
 * <p>GTA5: {@code gta5/images/0000{1,2}.png} (8x5 RGB) and {@code gta5/labels/0000{1,2}.png},
 * 8-bit palette PNGs whose palette holds the Cityscapes colour of every label id 0..33; raw id
 * of pixel {@code i = y * 8 + x} is {@code i % 34} in sample 1 and {@code 33 - i % 34} in
 * sample 2. SYNTHIA: {@code synthia/RGB/000000{1,2}.png} (6x4 RGB) and
 * {@code synthia/GT/LABELS/000000{1,2}.png}, 16-bit three-channel PNGs with the raw id
 * {@code i % 23} (sample 1) or {@code 22 - i % 23} (sample 2) in channel 0 and
 * {@code 1000 + 7 i} and {@code 40000 + i} in channels 1 and 2.
 */
final class DatasetFixtures {

    static final int GTA_WIDTH = 8;
    static final int GTA_HEIGHT = 5;
    static final int SYNTHIA_WIDTH = 6;
    static final int SYNTHIA_HEIGHT = 4;

    /** cityscapesscripts {@code labels.py} colour of label ids 0..33, as 0xRRGGBB. */
    static final int[] CITYSCAPES_PALETTE = {
        0x000000, 0x000000, 0x000000, 0x000000, 0x000000, 0x6F4A00, 0x510051, 0x804080, // 0-7
        0xF423E8, 0xFAAAA0, 0xE6968C, 0x464646, 0x66669C, 0xBE9999, 0xB4A5B4, 0x966464, // 8-15
        0x96785A, 0x999999, 0x999999, 0xFAAA1E, 0xDCDC00, 0x6B8E23, 0x98FB98, 0x4682B4, // 16-23
        0xDC143C, 0xFF0000, 0x00008E, 0x000046, 0x003C64, 0x00005A, 0x00006E, 0x005064, // 24-31
        0x0000E6, 0x770B20,                                                             // 32-33
    };

    private DatasetFixtures() {
    }

    /** Raw GTA5 label id of sample 1 or 2. */
    static LabelMap gtaRawLabel(int sample) {
        return pattern(GTA_WIDTH, GTA_HEIGHT, 34, sample);
    }

    /** Raw SYNTHIA class id (channel 0) of sample 1 or 2. */
    static LabelMap synthiaRawLabel(int sample) {
        return pattern(SYNTHIA_WIDTH, SYNTHIA_HEIGHT, 23, sample);
    }

    static int[] synthiaChannel1() {
        int[] v = new int[SYNTHIA_WIDTH * SYNTHIA_HEIGHT];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1000 + 7 * i;
        }
        return v;
    }

    static int[] synthiaChannel2() {
        int[] v = new int[SYNTHIA_WIDTH * SYNTHIA_HEIGHT];
        for (int i = 0; i < v.length; i++) {
            v[i] = 40000 + i;
        }
        return v;
    }

    /** A deterministic RGB image: (x * 30 + sample, y * 50, (x + y) * 10). */
    static RgbImage image(int width, int height, int sample) {
        RgbImage image = RgbImage.blank(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.set(x, y, x * 30 + sample, y * 50, (x + y) * 10);
            }
        }
        return image;
    }

    private static LabelMap pattern(int width, int height, int ids, int sample) {
        if (sample != 1 && sample != 2) {
            throw new IllegalArgumentException("fixture sample must be 1 or 2, got " + sample);
        }
        byte[] raw = new byte[width * height];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (sample == 1 ? i % ids : ids - 1 - i % ids);
        }
        return new LabelMap(width, height, raw);
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "core/src/test/resources/fixtures");
        for (int s = 1; s <= 2; s++) {
            String gta = String.format("%05d.png", s);
            String synthia = String.format("%07d.png", s);
            int sample = s;
            write(root.resolve("gta5/images").resolve(gta),
                    out -> PngCodec.writeRgb(image(GTA_WIDTH, GTA_HEIGHT, sample), out));
            write(root.resolve("gta5/labels").resolve(gta),
                    out -> PngCodec.writePalette8(gtaRawLabel(sample), CITYSCAPES_PALETTE, out));
            write(root.resolve("synthia/RGB").resolve(synthia),
                    out -> PngCodec.writeRgb(image(SYNTHIA_WIDTH, SYNTHIA_HEIGHT, sample), out));
            write(root.resolve("synthia/GT/LABELS").resolve(synthia),
                    out -> PngCodec.writeLabel16x3(synthiaRawLabel(sample), synthiaChannel1(), synthiaChannel2(), out));
        }
    }

    private static void write(Path file, PngCodec.IoWriter writer) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            writer.write(out);
        }
    }
}
