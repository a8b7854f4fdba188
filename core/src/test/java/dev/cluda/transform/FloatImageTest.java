package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cluda.data.RgbImage;
import org.junit.jupiter.api.Test;

class FloatImageTest {

    @Test
    void fromRgb_twoPixels_channelMajorLayout() {
        RgbImage rgb = RgbImage.blank(2, 1);
        rgb.set(0, 0, 1, 2, 3);
        rgb.set(1, 0, 255, 128, 0);
        FloatImage f = FloatImage.fromRgb(rgb);
        assertEquals(3, f.channels());
        assertArrayEquals(new float[] {1, 255, 2, 128, 3, 0}, f.data());
        assertEquals(128f, f.get(1, 0, 1));
    }

    @Test
    void toRgb_outOfRangeAndFractions_clampedAndRounded() {
        FloatImage f = new FloatImage(3, 1, 2, new float[] {-4f, 300f, 1.49f, 1.5f, 254.6f, Float.NaN});
        RgbImage rgb = f.toRgb();
        assertEquals(0, rgb.get(0, 0, 0));
        assertEquals(255, rgb.get(1, 0, 0));
        assertEquals(1, rgb.get(0, 0, 1));
        assertEquals(2, rgb.get(1, 0, 1));
        assertEquals(255, rgb.get(0, 0, 2));
        assertEquals(0, rgb.get(1, 0, 2));
    }

    @Test
    void fromRgbThenToRgb_anyBytes_identity() {
        RgbImage rgb = RgbImage.blank(3, 2);
        for (int i = 0; i < rgb.rgb().length; i++) {
            rgb.rgb()[i] = (byte) (i * 47);
        }
        assertArrayEquals(rgb.rgb(), FloatImage.fromRgb(rgb).toRgb().rgb());
    }

    @Test
    void set_thenGet_sameCell() {
        FloatImage f = FloatImage.zeros(2, 3, 4);
        f.set(1, 2, 3, 7f);
        assertEquals(7f, f.data()[(1 * 3 + 2) * 4 + 3]);
        assertEquals(7f, f.get(1, 2, 3));
    }

    @Test
    void constructor_wrongLength_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new FloatImage(3, 2, 2, new float[11]));
    }
}
