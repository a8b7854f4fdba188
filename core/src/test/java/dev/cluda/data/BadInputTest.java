package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.LocalFileStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad dataset file is a {@link BadSampleException} naming the file and the problem. */
class BadInputTest {

    private final LocalFileStore store = new LocalFileStore();

    @TempDir
    Path root;

    private BadSampleException readFails(PairedDatasetReader reader, String id) throws Exception {
        SampleRef ref = reader.index(store, root.toString(), "train").stream()
                .filter(r -> r.id().equals(id)).findFirst().orElseThrow();
        return assertThrows(BadSampleException.class, () -> reader.read(store, ref));
    }

    private static void assertNames(BadSampleException e, Path file, String problem) {
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    @Test
    void read_truncatedLabelPng_failsNamingLabel() throws Exception {
        byte[] label = TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7));
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), Arrays.copyOf(label, label.length / 2));
        BadSampleException e = readFails(new Gta5Reader(), "00001");
        assertNames(e, root.resolve("labels/00001.png"), "truncated or corrupt image data");
    }

    @Test
    void read_truncatedImagePng_failsNamingImage() throws Exception {
        byte[] image = TempDatasets.rgbPng(8, 5);
        TempDatasets.gta(root, "00001", Arrays.copyOf(image, 60),
                TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7)));
        BadSampleException e = readFails(new Gta5Reader(), "00001");
        assertNames(e, root.resolve("images/00001.png"), "truncated or corrupt image data");
    }

    @Test
    void read_randomBytesAsLabel_failsAsUnknownFormat() throws Exception {
        byte[] noise = new byte[300];
        new SplittableRandom(7).nextBytes(noise);
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), noise);
        BadSampleException e = readFails(new Gta5Reader(), "00001");
        assertNames(e, root.resolve("labels/00001.png"), "unknown format");
    }

    @Test
    void index_missingLabel_failsNamingImageAndExpectedLabel() throws Exception {
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7)));
        TempDatasets.gta(root, "00002", TempDatasets.rgbPng(8, 5), null);
        BadSampleException e = assertThrows(BadSampleException.class,
                () -> new Gta5Reader().index(store, root.toString(), ""));
        assertNames(e, root.resolve("images/00002.png"), "label file missing: expected " + root.resolve("labels/00002.png"));
    }

    @Test
    void index_cityscapesMissingLabel_failsNamingImage() throws Exception {
        String id = "aachen_000001_000019";
        TempDatasets.cityscapes(root, "train", "aachen", id, TempDatasets.rgbPng(8, 5), null);
        BadSampleException e = assertThrows(BadSampleException.class,
                () -> new CityscapesReader().index(store, root.toString(), "train"));
        assertNames(e, root.resolve("leftImg8bit/train/aachen/" + id + "_leftImg8bit.png"),
                "expected " + root.resolve("gtFine/train/aachen/" + id + "_gtFine_labelIds.png"));
    }

    @Test
    void read_sizeMismatch_failsNamingBothFilesAndSizes() throws Exception {
        TempDatasets.gta(root, "15188", TempDatasets.rgbPng(8, 5), TempDatasets.palettePng(TempDatasets.uniform(7, 5, 7)));
        BadSampleException e = readFails(new Gta5Reader(), "15188");
        assertNames(e, root.resolve("images/15188.png"), "image is 8x5 but its label "
                + root.resolve("labels/15188.png") + " is 7x5");
        assertTrue(e.getMessage().contains("size mismatch"), e.getMessage());
    }

    @Test
    void read_gtaLabelValueOutsideTable_failsNamingValueAndPixel() throws Exception {
        LabelMap label = TempDatasets.uniform(8, 5, 7);
        label.set(3, 2, 40);
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), TempDatasets.palettePng(label));
        BadSampleException e = readFails(new Gta5Reader(), "00001");
        assertNames(e, root.resolve("labels/00001.png"), "label values outside the table: value 40 at (x, y) = (3, 2)");
    }

    @Test
    void read_cityscapesGray255_failsAsOutsideTable() throws Exception {
        String id = "aachen_000001_000019";
        TempDatasets.cityscapes(root, "train", "aachen", id, TempDatasets.rgbPng(8, 5),
                TempDatasets.gray8Png(TempDatasets.uniform(8, 5, 255)));
        BadSampleException e = readFails(new CityscapesReader(), id);
        assertNames(e, root.resolve("gtFine/train/aachen/" + id + "_gtFine_labelIds.png"), "value 255 at (x, y) = (0, 0)");
    }

    @Test
    void read_synthia8BitLabel_failsAsWrongBitDepth() throws Exception {
        TempDatasets.synthia(root, "0000001", TempDatasets.rgbPng(8, 5), TempDatasets.gray8Png(TempDatasets.uniform(8, 5, 3)));
        BadSampleException e = readFails(new SynthiaReader(), "0000001");
        assertNames(e, root.resolve("GT/LABELS/0000001.png"), "expected a 16-bit label PNG (SYNTHIA GT/LABELS), found 8-bit");
    }

    @Test
    void read_synthiaValueOutsideTable_fails() throws Exception {
        LabelMap label = TempDatasets.uniform(8, 5, 3);
        label.set(7, 4, 23);
        TempDatasets.synthia(root, "0000001", TempDatasets.rgbPng(8, 5), TempDatasets.label16Png(label));
        BadSampleException e = readFails(new SynthiaReader(), "0000001");
        assertNames(e, root.resolve("GT/LABELS/0000001.png"), "value 23 at (x, y) = (7, 4)");
    }

    @Test
    void read_colourPngAsGtaLabel_failsAsNotSingleChannel() throws Exception {
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), TempDatasets.rgbPng(8, 5));
        BadSampleException e = readFails(new Gta5Reader(), "00001");
        assertNames(e, root.resolve("labels/00001.png"), "found 3 channel(s) of 8-bit samples");
    }

    @Test
    void read_16BitLabelForGta_failsAsWrongBitDepth() throws Exception {
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), TempDatasets.label16Png(TempDatasets.uniform(8, 5, 7)));
        BadSampleException e = readFails(new Gta5Reader(), "00001");
        assertNames(e, root.resolve("labels/00001.png"), "expected an 8-bit single-channel label PNG");
    }

    @Test
    void index_noImages_failsNamingDirectoryAndLayout() throws Exception {
        TempDatasets.write(root.resolve("images/readme.txt"), new byte[] {1});
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> new Gta5Reader().index(store, root.toString(), ""));
        assertTrue(e.getMessage().contains(root.resolve("images") + ": no images found"), e.getMessage());
        assertTrue(e.getMessage().contains("images/NNNNN.png with labels/NNNNN.png"), e.getMessage());
    }
}
