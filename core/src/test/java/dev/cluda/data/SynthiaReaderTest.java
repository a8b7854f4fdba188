package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cluda.io.LocalFileStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SynthiaReaderTest {

    private final LocalFileStore store = new LocalFileStore();

    @Test
    void index_fixture_pairsRgbWithGtLabels() throws Exception {
        String root = Gta5ReaderTest.fixtureRoot("synthia");
        List<SampleRef> refs = new SynthiaReader().index(store, root, "ignored");
        assertEquals(2, refs.size());
        assertEquals("0000001", refs.get(0).id());
        assertEquals("0000002", refs.get(1).id());
        assertEquals(Path.of(root, "RGB", "0000002.png").toString(), refs.get(1).imagePath());
        assertEquals(Path.of(root, "GT", "LABELS", "0000002.png").toString(), refs.get(1).labelPath());
        assertEquals("", refs.get(1).split());
    }

    @Test
    void read_fixture_givesReferenceTrainIdsFromChannel0() throws Exception {
        int[] table = ExpectedTables.full(ExpectedTables.SYNTHIA_ROWS);
        SynthiaReader reader = new SynthiaReader();
        List<SampleRef> refs = reader.index(store, Gta5ReaderTest.fixtureRoot("synthia"), "");
        for (int s = 1; s <= 2; s++) {
            Sample sample = reader.read(store, refs.get(s - 1));
            LabelMap raw = DatasetFixtures.synthiaRawLabel(s);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    assertEquals(table[raw.get(x, y)], sample.trainIds().get(x, y),
                            "sample " + s + " at (" + x + ", " + y + "), raw " + raw.get(x, y));
                }
            }
            assertArrayEquals(DatasetFixtures.image(6, 4, s).rgb(), sample.image().rgb());
        }
    }

    @Test
    void read_sampleOne_handCheckedPixels() throws Exception {
        SynthiaReader reader = new SynthiaReader();
        Sample one = reader.read(store, reader.index(store, Gta5ReaderTest.fixtureRoot("synthia"), "").get(0));
        // Pixel i = y * 6 + x holds raw id i % 23 in channel 0.
        assertEquals(10, one.trainIds().get(1, 0));   // raw 1 sky
        assertEquals(0, one.trainIds().get(3, 0));    // raw 3 road
        assertEquals(13, one.trainIds().get(2, 1));   // raw 8 car
        assertEquals(3, one.trainIds().get(3, 3));    // raw 21 wall
        assertEquals(255, one.trainIds().get(4, 3));  // raw 22 lane marking
        assertEquals(255, one.trainIds().get(1, 2));  // raw 13 parking slot
        assertEquals(255, one.trainIds().get(5, 3));  // i = 23 wraps to raw 0 void
    }
}
