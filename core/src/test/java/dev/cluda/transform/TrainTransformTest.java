package dev.cluda.transform;

import dev.cluda.uda.PseudoMargins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainTransformTest {

    private static final Normalize NORM = Normalize.imageNet();

    /** 16x6 input: R = x, G = y, label = x, valid mask = (y >= 2). */
    private static RgbImage coordImage() {
        RgbImage img = RgbImage.blank(16, 6);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 16; x++) {
                img.set(x, y, x, y, 100);
            }
        }
        return img;
    }

    private static LabelMap coordLabel() {
        LabelMap l = new LabelMap(16, 6, new byte[96]);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 16; x++) {
                l.set(x, y, x);
            }
        }
        return l;
    }

    private static float[] coordMask() {
        return new PseudoMargins(2, 0, 0, 0).mask(16, 6);
    }

    @Test
    void apply_cropAndFlip_imageLabelMaskStayAligned() {
        var config = new TrainTransform.Config(null, 5, 4, 1.0, 1.0);
        // crop box: y offset 1 (of 0..2), x offset 6 (of 0..11); then flip (0.3 < 1)
        var rng = new ScriptedRandom().withInts(1, 6).withDoubles(0.3);
        TransformedSample s = new TrainTransform(config).apply(coordImage(), coordLabel(), coordMask(), rng);
        FloatImage rgb = NORM.invert(s.image());
        assertEquals(5, rgb.width());
        assertEquals(4, rgb.height());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                int srcX = 6 + 4 - x; // flipped
                int srcY = 1 + y;
                assertEquals(srcX, rgb.get(0, y, x), 1e-3, "R");
                assertEquals(srcY, rgb.get(1, y, x), 1e-3, "G");
                assertEquals(srcX, s.label().get(x, y));
                assertEquals(srcY >= 2 ? 1f : 0f, s.validMask()[y * 5 + x]);
            }
        }
    }

    @Test
    void apply_imageSmallerThanCrop_paddedWithZeroIgnoreAndInvalid() {
        var config = new TrainTransform.Config(null, 4, 3, 1.0, 0.0);
        RgbImage img = RgbImage.blank(2, 2);
        img.set(0, 0, 124, 116, 104);
        LabelMap label = new LabelMap(2, 2, new byte[] {1, 2, 3, 4});
        var rng = new ScriptedRandom().withInts(0, 0).withDoubles(0.0);
        TransformedSample s = new TrainTransform(config).apply(img, label, new float[] {1, 1, 1, 1}, rng);
        assertEquals(4, s.image().width());
        assertEquals(3, s.image().height());
        assertEquals((124 - 123.675) / 58.395, s.image().get(0, 0, 0), 1e-5);
        assertEquals(-123.675 / 58.395, s.image().get(0, 1, 1), 1e-5, "a real black pixel");
        assertEquals(0f, s.image().get(0, 0, 3), "padding is 0 after normalisation");
        assertEquals(0f, s.image().get(2, 2, 0));
        assertArrayEquals(new byte[] {1, 2, (byte) 255, (byte) 255, 3, 4, (byte) 255, (byte) 255,
            (byte) 255, (byte) 255, (byte) 255, (byte) 255}, s.label().ids());
        assertArrayEquals(new float[] {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0}, s.validMask());
    }

    @Test
    void apply_withScale_resizesImageLabelAndMaskBeforeCrop() {
        // 16x6 with scale (8, 8): factor min(8/16, 8/6) = 0.5 -> 8x3; crop 8x3 covers all of it
        var config = new TrainTransform.Config(new TrainTransform.Scale(8, 8), 8, 3, 1.0, 0.0);
        var rng = new ScriptedRandom().withInts(0, 0).withDoubles(0.9);
        TransformedSample s = new TrainTransform(config).apply(coordImage(), coordLabel(), coordMask(), rng);
        assertEquals(8, s.label().width());
        assertEquals(3, s.label().height());
        // nearest: source x = 2 * x, source y = 2 * y
        for (int x = 0; x < 8; x++) {
            assertEquals(2 * x, s.label().get(x, 1));
        }
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                s.validMask());
        // bilinear: source x = 2x + 0.5, R = 2x + 0.5 rounded half up to 2x + 1
        FloatImage rgb = NORM.invert(s.image());
        assertEquals(3.0, rgb.get(0, 0, 1), 1e-3);
        assertEquals(15.0, rgb.get(0, 0, 7), 1e-3, "last column clamps to x = 15");
    }

    @Test
    void apply_sourceWithCatMaxRatio_retriesAgainstLabel() {
        LabelMap label = new LabelMap(4, 1, new byte[] {0, 0, 0, 1});
        RgbImage img = RgbImage.blank(4, 1);
        var config = new TrainTransform.Config(null, 2, 1, 0.75, 0.0);
        var rng = new ScriptedRandom().withInts(0, 0, 0, 1, 0, 2).withDoubles(0.5);
        TransformedSample s = new TrainTransform(config).apply(img, label, null, rng);
        assertArrayEquals(new byte[] {0, 1}, s.label().ids());
        assertNull(s.validMask());
    }

    @Test
    void apply_sameSeed_sameOutput() {
        var t = new TrainTransform(new TrainTransform.Config(new TrainTransform.Scale(12, 5), 6, 4, 0.75, 0.5));
        TransformedSample a = t.apply(coordImage(), coordLabel(), null, new SplittableRandom(17));
        TransformedSample b = t.apply(coordImage(), coordLabel(), null, new SplittableRandom(17));
        assertArrayEquals(a.image().data(), b.image().data());
        assertArrayEquals(a.label().ids(), b.label().ids());
    }

    @Test
    void config_invalidFlipProbability_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrainTransform.Config(null, 4, 4, 1.0, 1.5));
    }

    @Test
    void config_daformerGtaSource_fullSizeOutputs512() {
        RgbImage gta = RgbImage.blank(1914, 1052);
        LabelMap label = LabelMap.ignored(1914, 1052);
        for (int x = 0; x < 1914; x++) {
            label.set(x, 500, x % 19);
        }
        TransformedSample s = new TrainTransform(TrainTransform.Config.daformerGtaSource())
                .apply(gta, label, null, new SplittableRandom(5));
        assertEquals(512, s.image().width());
        assertEquals(512, s.image().height());
        assertEquals(512 * 512, s.label().ids().length);
    }
}
