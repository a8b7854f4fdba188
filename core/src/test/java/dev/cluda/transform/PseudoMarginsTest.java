package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PseudoMarginsTest {

    @Test
    void mask_margins_zeroOutsideInterior() {
        float[] m = new PseudoMargins(1, 2, 1, 1).mask(4, 5);
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            0, 1, 1, 0,
            0, 1, 1, 0,
            0, 0, 0, 0,
            0, 0, 0, 0}, m);
    }

    @Test
    void mask_hrdaCityscapes_validCount() {
        float[] m = PseudoMargins.HRDA_CITYSCAPES.mask(2048, 1024);
        double sum = 0;
        for (float v : m) {
            sum += v;
        }
        assertEquals((1024 - 30 - 240) * (2048 - 60), sum, 0.0);
    }
}
