package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.LabelMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiResolutionCropTest {

    /** A (3, h, w) image whose every value is distinct: c * 1e6 + y * 1000 + x. */
    private static FloatImage ramp(int width, int height) {
        FloatImage img = FloatImage.zeros(3, height, width);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    img.set(c, y, x, c * 1_000_000f + y * 1000f + x);
                }
            }
        }
        return img;
    }

    @Test
    void drawBox_paperScale_insideAlignedAndEveryHrdaPositionReachedUniformly() {
        // 1024 context, 512 detail, divisor 8: margin 512, HRDA draws randint(0, 513 // 8 = 64) * 8
        MultiResolutionCrop crop = new MultiResolutionCrop(0.5, 512, 512, 8);
        assertEquals(64, crop.positions(1024, 512));
        SplittableRandom rng = new SplittableRandom(7);
        int[] xs = new int[64];
        int[] ys = new int[64];
        int draws = 64_000;
        for (int i = 0; i < draws; i++) {
            DetailBox b = crop.drawBox(1024, 1024, rng);
            assertTrue(b.fits(1024, 1024), b.toString());
            assertEquals(0, b.x() % 8, b.toString());
            assertEquals(0, b.y() % 8, b.toString());
            assertEquals(512, b.width());
            assertEquals(512, b.height());
            xs[b.x() / 8]++;
            ys[b.y() / 8]++;
        }
        for (int k = 0; k < 64; k++) {
            // 1000 expected per position; 5 sigma is about 160
            assertTrue(Math.abs(xs[k] - 1000) < 160 && Math.abs(ys[k] - 1000) < 160,
                    "position " + k * 8 + ": " + xs[k] + " / " + ys[k]);
        }
    }

    @Test
    void drawBox_rectangular_rowOffsetDrawnFirstAndMarginBelowDivisorGivesZero() {
        MultiResolutionCrop crop = new MultiResolutionCrop(0.5, 16, 8, 8);
        // 40x13 context: x margin 24 -> 25 // 8 = 3 positions; y margin 5 -> 6 // 8 = 0 -> offset 0
        assertEquals(3, crop.positions(40, 16));
        assertEquals(1, crop.positions(13, 8));
        ScriptedRandom rng = new ScriptedRandom().withInts(0, 2);
        assertEquals(new DetailBox(16, 0, 16, 8), crop.drawBox(40, 13, rng));
        assertEquals(0, rng.intsLeft());
    }

    @Test
    void drawBox_detailEqualsContext_wholeCropWithoutADraw() {
        ScriptedRandom rng = new ScriptedRandom();
        assertEquals(new DetailBox(0, 0, 64, 32), new MultiResolutionCrop(0.5, 64, 32, 8).drawBox(64, 32, rng));
    }

    @Test
    void drawBox_detailLargerThanContext_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new MultiResolutionCrop(0.5, 64, 64, 8).drawBox(48, 128, new SplittableRandom(1)));
    }

    @Test
    void apply_lowResolutionIsScaledBilinearAndDetailHoldsTheContextPixels() {
        FloatImage context = ramp(64, 48);
        MultiResolutionCrop crop = new MultiResolutionCrop(0.5, 24, 16, 8);
        MultiResolutionSample s = crop.apply(context, new SplittableRandom(3));
        assertEquals(32, s.lowResolution().width());
        assertEquals(24, s.lowResolution().height());
        assertEquals(3, s.lowResolution().channels());
        assertArrayEquals(Resize.bilinear(context, 32, 24).data(), s.lowResolution().data());
        // half-pixel centres at scale 0.5: each LR pixel averages a 2x2 block (align_corners=False)
        assertEquals((0 + 1 + 1000 + 1001) / 4f, s.lowResolution().get(0, 0, 0), 1e-3f);
        assertEquals(2_000_000f + (2 * 1000 + 2 + 2 * 1000 + 3 + 3 * 1000 + 2 + 3 * 1000 + 3) / 4f,
                s.lowResolution().get(2, 1, 1), 1e-1f);
        DetailBox b = s.box();
        assertEquals(24, s.detail().width());
        assertEquals(16, s.detail().height());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < b.height(); y++) {
                for (int x = 0; x < b.width(); x++) {
                    assertEquals(context.get(c, b.y() + y, b.x() + x), s.detail().get(c, y, x));
                }
            }
        }
    }

    @Test
    void lowResolutionSize_isFloorOfScaleTimesSize() {
        MultiResolutionCrop crop = new MultiResolutionCrop(0.5, 8, 8, 8);
        assertEquals(512, crop.lowResolutionSize(1024));
        assertEquals(64, crop.lowResolutionSize(128));
        assertEquals(511, crop.lowResolutionSize(1023));
        assertEquals(Math.round(0.25 * 1000), new MultiResolutionCrop(0.25, 8, 8, 8).lowResolutionSize(1000));
    }

    @Test
    void detailBox_cropsLabelAndPlaneAtTheBox() {
        byte[] ids = new byte[8 * 4];
        float[] plane = new float[8 * 4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (byte) i;
            plane[i] = i / 10f;
        }
        DetailBox box = new DetailBox(4, 2, 4, 2);
        LabelMap cropped = box.crop(new LabelMap(8, 4, ids));
        assertArrayEquals(new byte[] {20, 21, 22, 23, 28, 29, 30, 31}, cropped.ids());
        assertArrayEquals(new float[] {2.0f, 2.1f, 2.2f, 2.3f, 2.8f, 2.9f, 3.0f, 3.1f}, box.crop(plane, 8, 4), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new DetailBox(6, 0, 4, 2).crop(plane, 8, 4));
    }

    @Test
    void apply_givenBox_usesIt() {
        FloatImage context = ramp(32, 32);
        MultiResolutionSample s = new MultiResolutionCrop(0.5, 16, 16, 8).apply(context, new DetailBox(16, 8, 16, 16));
        assertEquals(context.get(1, 8, 16), s.detail().get(1, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new MultiResolutionCrop(0.5, 16, 16, 8).apply(context, new DetailBox(24, 8, 16, 16)));
    }
}
