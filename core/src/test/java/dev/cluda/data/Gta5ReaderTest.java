package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cluda.io.LocalFileStore;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class Gta5ReaderTest {

    private final LocalFileStore store = new LocalFileStore();

    static String fixtureRoot(String name) throws URISyntaxException {
        return Path.of(Gta5ReaderTest.class.getResource("/fixtures/" + name).toURI()).toString();
    }

    @Test
    void index_fixture_pairsImagesAndLabelsSortedIgnoringSplit() throws Exception {
        String root = fixtureRoot("gta5");
        List<SampleRef> refs = new Gta5Reader().index(store, root, "train");
        assertEquals(2, refs.size());
        assertEquals("00001", refs.get(0).id());
        assertEquals("00002", refs.get(1).id());
        assertEquals(Path.of(root, "images", "00001.png").toString(), refs.get(0).imagePath());
        assertEquals(Path.of(root, "labels", "00001.png").toString(), refs.get(0).labelPath());
        assertEquals("", refs.get(0).split());
        assertEquals("", refs.get(0).city());
        assertEquals(refs, new Gta5Reader().index(store, root, "anything"));
    }

    @Test
    void read_fixture_givesReferenceTrainIdsAndImage() throws Exception {
        int[] table = ExpectedTables.full(ExpectedTables.CITYSCAPES_ROWS);
        Gta5Reader reader = new Gta5Reader();
        List<SampleRef> refs = reader.index(store, fixtureRoot("gta5"), "");
        for (int s = 1; s <= 2; s++) {
            Sample sample = reader.read(store, refs.get(s - 1));
            LabelMap raw = DatasetFixtures.gtaRawLabel(s);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 8; x++) {
                    assertEquals(table[raw.get(x, y)], sample.trainIds().get(x, y),
                            "sample " + s + " at (" + x + ", " + y + "), raw " + raw.get(x, y));
                }
            }
            assertArrayEquals(DatasetFixtures.image(8, 5, s).rgb(), sample.image().rgb());
        }
    }

    @Test
    void read_sampleOne_handCheckedPixels() throws Exception {
        Gta5Reader reader = new Gta5Reader();
        Sample one = reader.read(store, reader.index(store, fixtureRoot("gta5"), "").get(0));
        // Pixel i = y * 8 + x holds raw id i % 34.
        assertEquals(0, one.trainIds().get(7, 0));    // raw 7 road
        assertEquals(2, one.trainIds().get(3, 1));    // raw 11 building
        assertEquals(13, one.trainIds().get(2, 3));   // raw 26 car
        assertEquals(16, one.trainIds().get(7, 3));   // raw 31 train
        assertEquals(18, one.trainIds().get(1, 4));   // raw 33 bicycle
        assertEquals(255, one.trainIds().get(6, 3));  // raw 30 trailer
        assertEquals(255, one.trainIds().get(0, 0));  // raw 0 unlabeled
        long[] histogram = one.trainIds().histogram();
        // 15 non-train ids among 0..33, plus the repeated ids 0..5 at pixels 34..39.
        assertEquals(21, histogram[255]);
        assertEquals(1, histogram[0]);
        assertEquals(1, histogram[18]);
        assertEquals(61, one.image().get(2, 0, 0)); // x * 30 + sample
    }
}
