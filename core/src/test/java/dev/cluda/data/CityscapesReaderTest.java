package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden test on the genuine Cityscapes val frame of the shared fixtures (shared/fixtures/README.md). */
class CityscapesReaderTest {

    private static final String ID = "frankfurt_000000_000294";

    private final LocalFileStore store = new LocalFileStore();

    /** The shared Cityscapes fixture; fails (never skips) when it is absent, saying where it looked. */
    static String sharedCityscapesRoot() {
        String shared = System.getProperty("cluda.shared.dir");
        if (shared == null) {
            fail("system property cluda.shared.dir is not set; it must point at the shared folder holding"
                    + " fixtures/cityscapes/ (surefire sets it to <repo>/../shared)");
        }
        Path root = Path.of(shared, "fixtures", "cityscapes");
        if (!Files.isDirectory(root)) {
            fail("Cityscapes fixture not found: looked in " + root.toAbsolutePath() + " (cluda.shared.dir = "
                    + shared + ")");
        }
        return root.toString();
    }

    @Test
    void index_sharedValFrame_findsOneFrankfurtSample() throws IOException {
        String root = sharedCityscapesRoot();
        List<SampleRef> refs = new CityscapesReader().index(store, root, "val");
        assertEquals(1, refs.size());
        SampleRef ref = refs.get(0);
        assertEquals(ID, ref.id());
        assertEquals("val", ref.split());
        assertEquals("frankfurt", ref.city());
        assertEquals(Path.of(root, "leftImg8bit", "val", "frankfurt", ID + "_leftImg8bit.png").toString(), ref.imagePath());
        assertEquals(Path.of(root, "gtFine", "val", "frankfurt", ID + "_gtFine_labelIds.png").toString(), ref.labelPath());
    }

    @Test
    void read_sharedValFrame_labelIdsMappedMatchLabelTrainIdsAwayFromBoundaries() throws IOException {
        String root = sharedCityscapesRoot();
        CityscapesReader reader = new CityscapesReader();
        Sample sample = reader.read(store, reader.index(store, root, "val").get(0));
        LabelMap expected;
        Path trainIds = Path.of(root, "gtFine", "val", "frankfurt", ID + "_gtFine_labelTrainIds.png");
        try (InputStream in = Files.newInputStream(trainIds)) {
            expected = PngCodec.readLabel8(in, trainIds.toString());
        }
        LabelMap actual = sample.trainIds();
        assertEquals(256, actual.width());
        assertEquals(128, actual.height());
        assertEquals(256, sample.image().width());
        int agree = 0;
        int far = 0;
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 256; x++) {
                boolean same = actual.get(x, y) == expected.get(x, y);
                agree += same ? 1 : 0;
                if (fartherThan2FromBoundary(expected, x, y)) {
                    far++;
                    if (!same) {
                        fail("pixel (" + x + ", " + y + ") is more than 2 pixels from a class boundary but maps to "
                                + actual.get(x, y) + " instead of " + expected.get(x, y));
                    }
                }
            }
        }
        assertTrue(agree >= 32_691, "mapped labelIds agree with labelTrainIds on " + agree + " of 32768 pixels");
        assertTrue(far > 20_000, "only " + far + " pixels away from boundaries; the exact check would be weak");
    }

    /** No pixel of another class within Chebyshev distance 2 (the 5x5 window, clipped to the image). */
    private static boolean fartherThan2FromBoundary(LabelMap labels, int x, int y) {
        int v = labels.get(x, y);
        for (int yy = Math.max(0, y - 2); yy <= Math.min(labels.height() - 1, y + 2); yy++) {
            for (int xx = Math.max(0, x - 2); xx <= Math.min(labels.width() - 1, x + 2); xx++) {
                if (labels.get(xx, yy) != v) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void scan_blankSplit_throwsIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CityscapesReader().scan(store, sharedCityscapesRoot(), " "));
        assertTrue(e.getMessage().contains("split"), e.getMessage());
    }

    @Test
    void index_absentSplit_failsNamingTheDirectory() {
        String root = sharedCityscapesRoot();
        IOException e = assertThrows(IOException.class, () -> new CityscapesReader().index(store, root, "train"));
        assertTrue(e.getMessage().contains(Path.of(root, "leftImg8bit", "train").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("image directory not found"), e.getMessage());
    }
}
