package dev.cluda.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.RgbImage;
import dev.cluda.io.FileStore;
import dev.cluda.io.LocalFileStore;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticBenchmarkWriterTest {

    private static final SynthSpec SPEC = new SynthSpec(7, 6, 6, 2, 64, 32, 1.0);
    private static final FileStore STORE = new LocalFileStore();

    @TempDir
    Path tmp;

    @Test
    void write_tinySpec_producesExactlyTheGta5AndCityscapesLayouts() throws IOException {
        String out = tmp.resolve("bench").toString();
        SyntheticBenchmarkWriter.write(SPEC, STORE, out);
        List<String> files = STORE.listFiles(out).stream().map(p -> STORE.relativize(out, p)).toList();
        List<String> expected = new ArrayList<>();
        for (String city : List.of("pixelburg", "pixelburg", "rendermund", "rendermund", "texelstadt", "texelstadt")) {
            int n = expected.size() / 2;
            String frame = city + "_000000_" + String.format("%06d", n);
            expected.add("cityscapes/gtFine/train/" + city + "/" + frame + "_gtFine_labelIds.png");
            expected.add("cityscapes/leftImg8bit/train/" + city + "/" + frame + "_leftImg8bit.png");
        }
        for (int i = 0; i < 2; i++) {
            String frame = "voxelheim_000000_00000" + i;
            expected.add("cityscapes/gtFine/val/voxelheim/" + frame + "_gtFine_labelIds.png");
            expected.add("cityscapes/leftImg8bit/val/voxelheim/" + frame + "_leftImg8bit.png");
        }
        for (int i = 1; i <= 6; i++) {
            expected.add("gta5/images/0000" + i + ".png");
            expected.add("gta5/labels/0000" + i + ".png");
        }
        expected.add("synth.json");
        assertEquals(expected.stream().sorted().toList(), files.stream().sorted().toList());
    }

    @Test
    void write_sourceLabels_arePalettePngsOfLabelIdsThatRoundTripToTheLayout() throws IOException {
        String out = tmp.toString();
        SyntheticBenchmarkWriter.write(SPEC, STORE, out);
        int[] toTrainId = labelIdToTrainId();
        for (int i = 0; i < SPEC.sourceImages(); i++) {
            byte[] png = Files.readAllBytes(tmp.resolve(String.format("gta5/labels/%05d.png", i + 1)));
            BufferedImage decoded = PngCodec.decode(new ByteArrayInputStream(png), "label");
            IndexColorModel palette = assertInstanceOf(IndexColorModel.class, decoded.getColorModel());
            assertEquals(CityscapesClass.CAR.rgb(), palette.getRGB(CityscapesClass.CAR.labelId()) & 0xFFFFFF);
            LabelMap raw = PngCodec.readLabel8(new ByteArrayInputStream(png), "label");
            assertArrayEquals(SyntheticScenes.generate(SPEC, SynthSplit.SOURCE, i).labels().ids(), toTrainIds(raw, toTrainId));
            RgbImage image = read(tmp.resolve(String.format("gta5/images/%05d.png", i + 1)));
            assertEquals(SPEC.width(), image.width());
            assertEquals(SPEC.height(), image.height());
        }
    }

    @Test
    void write_targetLabels_areGrayLabelIdsThatRoundTripToTheLayout() throws IOException {
        String out = tmp.toString();
        SyntheticBenchmarkWriter.write(SPEC, STORE, out);
        int[] toTrainId = labelIdToTrainId();
        for (SynthSplit split : List.of(SynthSplit.TARGET_TRAIN, SynthSplit.TARGET_VAL)) {
            for (int i = 0; i < SPEC.count(split); i++) {
                Path label = tmp.resolve(SyntheticBenchmarkWriter.labelPath(split, i, SPEC));
                byte[] png = Files.readAllBytes(label);
                BufferedImage decoded = PngCodec.decode(new ByteArrayInputStream(png), label.toString());
                assertEquals(BufferedImage.TYPE_BYTE_GRAY, decoded.getType(), label.toString());
                LabelMap raw = PngCodec.readLabel8(new ByteArrayInputStream(png), label.toString());
                assertArrayEquals(SyntheticScenes.generate(SPEC, split, i).labels().ids(), toTrainIds(raw, toTrainId));
            }
        }
    }

    @Test
    void write_sameSpecTwice_byteIdenticalFiles_otherSeed_differentFiles() throws IOException {
        String a = tmp.resolve("a").toString();
        String b = tmp.resolve("b").toString();
        String c = tmp.resolve("c").toString();
        SyntheticBenchmarkWriter.write(SPEC, STORE, a);
        SyntheticBenchmarkWriter.write(SPEC, STORE, b);
        SyntheticBenchmarkWriter.write(SPEC.withSeed(8), STORE, c);
        for (String path : STORE.listFiles(a)) {
            String rel = STORE.relativize(a, path);
            assertArrayEquals(bytes(a, rel), bytes(b, rel), rel);
            if (!rel.equals(SyntheticBenchmarkWriter.MANIFEST)) {
                assertFalse(Arrays.equals(bytes(a, rel), bytes(c, rel)), rel + " must change with the seed");
            }
        }
    }

    @Test
    void write_styleStrengthZeroVersusOne_changesTargetPixelsOnly() throws IOException {
        String full = tmp.resolve("full").toString();
        String none = tmp.resolve("none").toString();
        SyntheticBenchmarkWriter.write(SPEC, STORE, full);
        SyntheticBenchmarkWriter.write(SPEC.withStyleStrength(0.0), STORE, none);
        for (String path : STORE.listFiles(full)) {
            String rel = STORE.relativize(full, path);
            boolean targetImage = rel.contains("leftImg8bit");
            if (rel.equals(SyntheticBenchmarkWriter.MANIFEST)) {
                continue;
            }
            assertEquals(!targetImage, Arrays.equals(bytes(full, rel), bytes(none, rel)), rel);
        }
    }

    @Test
    void write_summary_countsEveryLabelPixelPerSplit() throws IOException {
        SynthSummary summary = SyntheticBenchmarkWriter.write(SPEC, STORE, tmp.toString());
        long perImage = (long) SPEC.width() * SPEC.height();
        assertEquals(6 * perImage, Arrays.stream(summary.sourcePixels()).sum());
        assertEquals(6 * perImage, Arrays.stream(summary.targetTrainPixels()).sum());
        assertEquals(2 * perImage, Arrays.stream(summary.targetValPixels()).sum());
        long[] expected = new long[CityscapesClass.COUNT];
        for (int i = 0; i < 2; i++) {
            long[] h = SyntheticScenes.generate(SPEC, SynthSplit.TARGET_VAL, i).labels().histogram();
            for (int c = 0; c < expected.length; c++) {
                expected[c] += h[c];
            }
        }
        assertArrayEquals(expected, summary.targetValPixels());
        assertEquals(1.0, Arrays.stream(summary.targetFrequencies()).sum(), 1e-9);
        assertEquals(14, summary.images());
        assertTrue(summary.seconds() > 0);
        assertTrue(summary.describe().contains("traffic light"));
    }

    @Test
    void write_manifest_describesTheSpecAndFrequencies() throws IOException {
        SyntheticBenchmarkWriter.write(SPEC, STORE, tmp.toString());
        JsonNode root = new ObjectMapper().readTree(tmp.resolve("synth.json").toFile());
        assertEquals(SyntheticBenchmarkWriter.FORMAT_VERSION, root.path("format").asInt());
        assertTrue(root.path("complete").asBoolean());
        assertEquals(7, root.path("spec").path("seed").asLong());
        assertEquals(6, root.path("spec").path("sourceImages").asInt());
        assertEquals(1.0, root.path("spec").path("styleStrength").asDouble());
        assertTrue(root.path("classFrequencies").path("source").path("road").asDouble() > 0);
    }

    @Test
    void matches_trueOnlyForACompleteFolderOfTheSameSpec() throws IOException {
        String out = tmp.toString();
        assertFalse(SyntheticBenchmarkWriter.matches(SPEC, STORE, out));
        SyntheticBenchmarkWriter.write(SPEC, STORE, out);
        assertTrue(SyntheticBenchmarkWriter.matches(SPEC, STORE, out));
        assertFalse(SyntheticBenchmarkWriter.matches(SPEC.withSeed(8), STORE, out));
        assertFalse(SyntheticBenchmarkWriter.matches(SPEC.withStyleStrength(0.5), STORE, out));
        assertFalse(SyntheticBenchmarkWriter.matches(SPEC.withCounts(6, 6, 3), STORE, out));
        Path manifest = tmp.resolve("synth.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"complete\" : true", "\"complete\" : false"));
        assertFalse(SyntheticBenchmarkWriter.matches(SPEC, STORE, out));
        Files.writeString(manifest, "{ not json");
        assertFalse(SyntheticBenchmarkWriter.matches(SPEC, STORE, out));
    }

    @Test
    void write_overSameCounts_replacesEverything_overOtherFiles_refuses() throws IOException {
        String out = tmp.toString();
        SyntheticBenchmarkWriter.write(SPEC.withStyleStrength(0.0), STORE, out);
        SyntheticBenchmarkWriter.write(SPEC, STORE, out);
        assertTrue(SyntheticBenchmarkWriter.matches(SPEC, STORE, out));
        IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class,
                () -> SyntheticBenchmarkWriter.write(SPEC.withCounts(3, 6, 2), STORE, out));
        assertTrue(fewer.getMessage().startsWith(out + " already holds files"), fewer.getMessage());
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThrows(IllegalArgumentException.class, () -> SyntheticBenchmarkWriter.write(SPEC, STORE, foreign.toString()));
    }

    @Test
    void write_sourceSetOfThirty_holdsAtLeastTwelveClassesOnDisk() throws IOException {
        SynthSpec spec = new SynthSpec(3, 30, 1, 1, 96, 48, 1.0);
        SyntheticBenchmarkWriter.write(spec, STORE, tmp.toString());
        int[] toTrainId = labelIdToTrainId();
        boolean[] seen = new boolean[CityscapesClass.COUNT];
        for (int i = 1; i <= 30; i++) {
            try (InputStream in = Files.newInputStream(tmp.resolve(String.format("gta5/labels/%05d.png", i)))) {
                for (byte v : PngCodec.readLabel8(in, "label").ids()) {
                    seen[toTrainId[v & 0xFF]] = true;
                }
            }
        }
        int present = 0;
        for (boolean s : seen) {
            present += s ? 1 : 0;
        }
        assertTrue(present >= 12, present + " classes");
    }

    private static int[] labelIdToTrainId() {
        int[] map = new int[256];
        Arrays.fill(map, LabelMap.IGNORE);
        for (CityscapesClass c : CityscapesClass.values()) {
            map[c.labelId()] = c.trainId();
        }
        return map;
    }

    private static byte[] toTrainIds(LabelMap raw, int[] toTrainId) {
        byte[] out = new byte[raw.ids().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) toTrainId[raw.ids()[i] & 0xFF];
        }
        return out;
    }

    private static RgbImage read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return PngCodec.readRgb(in, path.toString());
        }
    }

    private static byte[] bytes(String root, String rel) throws IOException {
        return Files.readAllBytes(Path.of(root, rel));
    }
}
