package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NormalizeTest {

    private static final FloatImage PIXEL = new FloatImage(3, 1, 1, new float[] {255f, 116.28f, 0f});

    @Test
    void apply_imageNet_perChannelMeanAndStd() {
        FloatImage n = Normalize.imageNet().apply(PIXEL);
        assertEquals((255 - 123.675) / 58.395, n.data()[0], 1e-5);
        assertEquals(0.0, n.data()[1], 1e-5);
        assertEquals(-103.53 / 57.375, n.data()[2], 1e-5);
    }

    @Test
    void invertAfterApply_identity() {
        Normalize norm = Normalize.imageNet();
        FloatImage img = new FloatImage(3, 1, 2, new float[] {0, 17, 99, 128, 200, 255});
        assertArrayEquals(img.data(), norm.invert(norm.apply(img)).data(), 1e-4f);
    }

    @Test
    void toUnit_isDenormDividedBy255_andFromUnitInverts() {
        Normalize norm = Normalize.imageNet();
        FloatImage n = norm.apply(PIXEL);
        FloatImage unit = norm.toUnit(n);
        assertArrayEquals(new float[] {1f, 116.28f / 255f, 0f}, unit.data(), 1e-6f);
        assertArrayEquals(n.data(), norm.fromUnit(unit).data(), 1e-5f);
    }
}
