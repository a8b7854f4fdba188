package dev.cluda.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small datasets in the GTA5, SYNTHIA and Cityscapes layouts below a temporary root, for bad-input tests. */
final class TempDatasets {

    private TempDatasets() {
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    static byte[] rgbPng(int width, int height) throws IOException {
        return PngCodec.toBytes(out -> PngCodec.writeRgb(DatasetFixtures.image(width, height, 1), out));
    }

    static byte[] palettePng(LabelMap raw) throws IOException {
        return PngCodec.toBytes(out -> PngCodec.writePalette8(raw, DatasetFixtures.CITYSCAPES_PALETTE, out));
    }

    static byte[] gray8Png(LabelMap raw) throws IOException {
        return PngCodec.toBytes(out -> PngCodec.writeGray8(raw, out));
    }

    static byte[] label16Png(LabelMap raw) throws IOException {
        return PngCodec.toBytes(out -> PngCodec.writeLabel16x3(raw, null, null, out));
    }

    /** A label of one value everywhere. */
    static LabelMap uniform(int width, int height, int value) {
        byte[] ids = new byte[width * height];
        java.util.Arrays.fill(ids, (byte) value);
        return new LabelMap(width, height, ids);
    }

    /** GTA5 sample {@code id} with an 8x5 image and the given label bytes (null: no label file). */
    static void gta(Path root, String id, byte[] image, byte[] label) throws IOException {
        write(root.resolve("images").resolve(id + ".png"), image);
        if (label != null) {
            write(root.resolve("labels").resolve(id + ".png"), label);
        }
    }

    static void synthia(Path root, String id, byte[] image, byte[] label) throws IOException {
        write(root.resolve("RGB").resolve(id + ".png"), image);
        if (label != null) {
            write(root.resolve("GT/LABELS").resolve(id + ".png"), label);
        }
    }

    static void cityscapes(Path root, String split, String city, String id, byte[] image, byte[] label)
            throws IOException {
        write(root.resolve("leftImg8bit").resolve(split).resolve(city).resolve(id + "_leftImg8bit.png"), image);
        if (label != null) {
            write(root.resolve("gtFine").resolve(split).resolve(city).resolve(id + "_gtFine_labelIds.png"), label);
        }
    }
}
