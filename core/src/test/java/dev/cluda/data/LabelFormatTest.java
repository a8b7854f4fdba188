package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.LocalFileStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label files are checked against their dataset's PNG format before decoding. */
class LabelFormatTest {

    @TempDir
    Path root;

    private final LocalFileStore store = new LocalFileStore();

    private BadSampleException readFails(PairedDatasetReader reader, String split, String id) throws Exception {
        SampleRef ref = reader.index(store, root.toString(), split).stream()
                .filter(r -> r.id().equals(id)).findFirst().orElseThrow();
        return assertThrows(BadSampleException.class, () -> reader.read(store, ref));
    }

    @Test
    void gta5_jpegSavedAsPngLabel_rejectedNamingTheFile() throws Exception {
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), PngCodecHeaderTest.jpeg(8, 5));
        BadSampleException e = readFails(new Gta5Reader(), "", "00001");
        Path label = root.resolve("labels/00001.png");
        assertEquals(label.toString(), e.file());
        assertTrue(e.getMessage().startsWith(label + ": is a JPEG, not a PNG"), e.getMessage());
    }

    @Test
    void gta5_16BitRgbLabel_rejectedWithBitDepthAndColourType() throws Exception {
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), TempDatasets.label16Png(TempDatasets.uniform(8, 5, 7)));
        BadSampleException e = readFails(new Gta5Reader(), "", "00001");
        assertTrue(e.getMessage().contains("label PNG has bit depth 16 and colour type 2")
                && e.getMessage().contains("GTA5 labels are 8-bit palette PNGs"), e.getMessage());
    }

    @Test
    void cityscapes_paletteLabelIds_rejectedAsWrongColourType() throws Exception {
        String id = "aachen_000001_000019";
        TempDatasets.cityscapes(root, "train", "aachen", id, TempDatasets.rgbPng(8, 5),
                TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7)));
        BadSampleException e = readFails(new CityscapesReader(), "train", id);
        assertEquals(root.resolve("gtFine/train/aachen/" + id + "_gtFine_labelIds.png").toString(), e.file());
        assertTrue(e.getMessage().contains("bit depth 8 and colour type 3 (palette)")
                && e.getMessage().contains("Cityscapes *_gtFine_labelIds.png are 8-bit grayscale PNGs"), e.getMessage());
    }

    @Test
    void synthia_jpegLabel_rejected() throws Exception {
        TempDatasets.synthia(root, "0000001", TempDatasets.rgbPng(8, 5), PngCodecHeaderTest.jpeg(8, 5));
        BadSampleException e = readFails(new SynthiaReader(), "", "0000001");
        assertTrue(e.getMessage().contains("is a JPEG, not a PNG"), e.getMessage());
    }

    @Test
    void jpegImage_isRead_gifImage_isRejected() throws Exception {
        TempDatasets.gta(root, "00001", PngCodecHeaderTest.jpeg(8, 5), TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7)));
        TempDatasets.gta(root, "00002", PngCodecHeaderTest.gif(8, 5), TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7)));
        Gta5Reader reader = new Gta5Reader();
        List<SampleRef> refs = reader.index(store, root.toString(), "");
        assertEquals(8, reader.read(store, refs.get(0)).image().width());
        BadSampleException e = assertThrows(BadSampleException.class, () -> reader.read(store, refs.get(1)));
        assertEquals(root.resolve("images/00002.png").toString(), e.file());
    }

    @Test
    void skipPolicy_appliesToFormatMismatch() throws Exception {
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7)));
        TempDatasets.gta(root, "00002", TempDatasets.rgbPng(8, 5), PngCodecHeaderTest.jpeg(8, 5));
        SampleLoader loader = new SampleLoader(new Gta5Reader(), store, BadSamplePolicy.SKIP);
        List<SampleRef> refs = loader.index(root.toString(), "");
        assertTrue(loader.read(refs.get(0)).isPresent());
        assertEquals(Optional.empty(), loader.read(refs.get(1)));
        assertEquals(1, loader.log().skippedCount());
        assertTrue(loader.log().entries().get(0).reason().startsWith("is a JPEG, not a PNG"));
    }
}
