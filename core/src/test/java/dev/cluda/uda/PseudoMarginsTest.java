package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cluda.data.LabelMap;
import org.junit.jupiter.api.Test;

class PseudoMarginsTest {

    @Test
    void validityMap_oneEachSide_keepsOnlyInterior() {
        LabelMap m = new PseudoMargins(1, 1, 1, 2).validityMap(5, 4);
        byte[] expected = {
            0, 0, 0, 0, 0,
            0, 1, 1, 0, 0,
            0, 1, 1, 0, 0,
            0, 0, 0, 0, 0,
        };
        assertArrayEquals(expected, m.ids());
    }

    @Test
    void validityMap_hrdaAtFullResolution_countsAndCorners() {
        LabelMap m = PseudoMargins.hrda().validityMap(2048, 1024);
        assertEquals((1024 - 30 - 240) * (2048 - 30 - 30), m.histogram()[1]);
        assertEquals(0, m.get(29, 30));
        assertEquals(1, m.get(30, 30));
        assertEquals(0, m.get(30, 29));
        assertEquals(1, m.get(2017, 783));
        assertEquals(0, m.get(2018, 783));
        assertEquals(0, m.get(2017, 784));
    }

    @Test
    void validityMask_daformerRows_zeroTopAndBottomRowsOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray mask = PseudoMargins.cropRows(1, 2).validityMask(manager, 2, 4);
            assertEquals(new Shape(4, 2), mask.getShape());
            assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0}, mask.toFloatArray());
        }
    }

    @Test
    void validityMap_marginsLargerThanImage_throws() {
        // HRDA's full-resolution counts do not fit a down-scaled 512x256 image's height
        assertThrows(IllegalArgumentException.class, () -> PseudoMargins.hrda().validityMap(512, 256));
        assertThrows(IllegalArgumentException.class, () -> new PseudoMargins(-1, 0, 0, 0));
    }
}
