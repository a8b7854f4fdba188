package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cluda.data.LabelMap;
import org.junit.jupiter.api.Test;

class PadTest {

    private final Pad pad = new Pad(3, 2);

    @Test
    void apply_image_zerosAtBottomRight() {
        FloatImage img = new FloatImage(2, 1, 2, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {1, 2, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0}, pad.apply(img).data());
    }

    @Test
    void apply_label_ignoreAtBottomRight() {
        LabelMap out = pad.apply(new LabelMap(2, 1, new byte[] {5, 6}));
        assertArrayEquals(new byte[] {5, 6, (byte) 255, (byte) 255, (byte) 255, (byte) 255}, out.ids());
    }

    @Test
    void applyToMask_zeroPadding() {
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0}, pad.applyToMask(new float[] {1, 1}, 1, 2));
    }

    @Test
    void apply_alreadyLargeEnough_unchanged() {
        FloatImage img = FloatImage.zeros(3, 4, 5);
        assertSame(img, pad.apply(img));
    }
}
