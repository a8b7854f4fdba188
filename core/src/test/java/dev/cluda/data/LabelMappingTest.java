package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LabelMappingTest {

    @Test
    void cityscapes_everyRawId_matchesReferenceTable() {
        int[] expected = ExpectedTables.full(ExpectedTables.CITYSCAPES_ROWS);
        LabelMapping mapping = LabelMapping.cityscapes();
        for (int raw = 0; raw < 256; raw++) {
            assertEquals(expected[raw], mapping.trainId(raw), "Cityscapes raw id " + raw);
        }
        assertEquals(33, mapping.maxValidId());
    }

    @Test
    void synthia_everyRawId_matchesReferenceTable() {
        int[] expected = ExpectedTables.full(ExpectedTables.SYNTHIA_ROWS);
        LabelMapping mapping = LabelMapping.synthia();
        for (int raw = 0; raw < 256; raw++) {
            assertEquals(expected[raw], mapping.trainId(raw), "SYNTHIA raw id " + raw);
        }
        assertEquals(22, mapping.maxValidId());
    }

    @Test
    void tables_nonTrainIdsInRange_mapToIgnore() {
        // Cityscapes ids 0..6 (void, ego vehicle, ...), 9, 10, 14..16, 18, 29, 30 are not evaluated.
        for (int raw : new int[] {0, 1, 2, 3, 4, 5, 6, 9, 10, 14, 15, 16, 18, 29, 30}) {
            assertEquals(255, LabelMapping.cityscapes().trainId(raw), "Cityscapes raw id " + raw);
        }
        // SYNTHIA 0 void, 13 parking-slot, 14 road-work, 22 lane marking.
        for (int raw : new int[] {0, 13, 14, 22}) {
            assertEquals(255, LabelMapping.synthia().trainId(raw), "SYNTHIA raw id " + raw);
        }
    }

    @Test
    void apply_smallMap_mapsEveryPixelAndLeavesInputUnchanged() throws BadSampleException {
        LabelMap raw = new LabelMap(3, 2, new byte[] {7, 26, 0, 33, 23, 9});
        LabelMap mapped = LabelMapping.cityscapes().apply(raw, "a.png");
        assertArrayEquals(new byte[] {0, 13, (byte) 255, 18, 10, (byte) 255}, mapped.ids());
        assertArrayEquals(new byte[] {7, 26, 0, 33, 23, 9}, raw.ids());
        assertEquals(3, mapped.width());
        assertEquals(2, mapped.height());
    }

    @Test
    void apply_synthiaSmallMap_mapsEveryPixel() throws BadSampleException {
        LabelMap raw = new LabelMap(2, 2, new byte[] {3, 1, 22, 11});
        LabelMap mapped = LabelMapping.synthia().apply(raw, "s.png");
        assertArrayEquals(new byte[] {0, 10, (byte) 255, 18}, mapped.ids());
    }

    @Test
    void apply_valueAboveTable_failsNamingFileValueAndPixel() {
        LabelMap raw = new LabelMap(3, 2, new byte[] {7, 7, 7, 7, 34, 40});
        BadSampleException e = assertThrows(BadSampleException.class,
                () -> LabelMapping.cityscapes().apply(raw, "labels/00042.png"));
        assertEquals("labels/00042.png", e.file());
        assertTrue(e.getMessage().startsWith("labels/00042.png: "), e.getMessage());
        assertTrue(e.getMessage().contains("label values outside the table"), e.getMessage());
        assertTrue(e.getMessage().contains("value 34 at (x, y) = (1, 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("0..33"), e.getMessage());
    }

    @Test
    void apply_synthiaValue23_fails() {
        LabelMap raw = new LabelMap(2, 1, new byte[] {22, 23});
        BadSampleException e = assertThrows(BadSampleException.class,
                () -> LabelMapping.synthia().apply(raw, "GT/LABELS/0000001.png"));
        assertTrue(e.getMessage().contains("value 23 at (x, y) = (1, 0)"), e.getMessage());
    }

    @Test
    void trainId_outsideByteRange_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> LabelMapping.cityscapes().trainId(-1));
        assertThrows(IllegalArgumentException.class, () -> LabelMapping.synthia().trainId(256));
    }
}
