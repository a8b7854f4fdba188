package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.LabelMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomCropTest {

    /** 10x1 label: class 0 except x = 8, 9 which are class 1. */
    private static LabelMap stripe() {
        return new LabelMap(10, 1, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1});
    }

    @Test
    void drawBox_offsetsUniformRange_withinMargins() {
        RandomCrop crop = new RandomCrop(4, 3, 1.0);
        SplittableRandom rng = new SplittableRandom(1);
        boolean sawMaxX = false;
        for (int i = 0; i < 500; i++) {
            CropBox b = crop.drawBox(10, 5, rng);
            assertTrue(b.x() >= 0 && b.x() <= 6 && b.y() >= 0 && b.y() <= 2, b.toString());
            assertEquals(4, b.width());
            assertEquals(3, b.height());
            sawMaxX |= b.x() == 6;
        }
        assertTrue(sawMaxX, "offset w - cw must be reachable");
    }

    @Test
    void drawBox_inputSmallerThanCrop_croppedToInputSize() {
        CropBox b = new RandomCrop(8, 8, 1.0).drawBox(5, 3, new ScriptedRandom().withInts(0, 0));
        assertEquals(new CropBox(0, 0, 5, 3), b);
    }

    @Test
    void chooseBox_firstBoxesSingleClass_retriesUntilMixedBox() {
        // crop 2x1: x = 0 and x = 1 see only class 0; x = 7 sees {0, 1}, ratio 0.5 < 0.75
        ScriptedRandom rng = new ScriptedRandom().withInts(0, 0, 0, 1, 0, 7, 0, 3);
        CropBox b = new RandomCrop(2, 1, 0.75).chooseBox(10, 1, stripe(), rng);
        assertEquals(new CropBox(7, 0, 2, 1), b);
        assertEquals(2, rng.intsLeft(), "no draw after an accepted box");
    }

    @Test
    void chooseBox_neverAcceptable_keepsEleventhDrawUnchecked() {
        int[] script = new int[22];
        for (int i = 0; i < 11; i++) {
            script[2 * i + 1] = i < 10 ? i % 6 : 4; // x offsets 0..5 all see only class 0
        }
        ScriptedRandom rng = new ScriptedRandom().withInts(script);
        CropBox b = new RandomCrop(2, 1, 0.75).chooseBox(10, 1, stripe(), rng);
        assertEquals(new CropBox(4, 0, 2, 1), b);
        assertEquals(0, rng.intsLeft(), "1 initial draw + 10 redraws");
    }

    @Test
    void chooseBox_ratioDisabled_singleDrawNoLabelNeeded() {
        ScriptedRandom rng = new ScriptedRandom().withInts(0, 2, 0, 7);
        assertEquals(new CropBox(2, 0, 2, 1), new RandomCrop(2, 1, 1.0).chooseBox(10, 1, null, rng));
        assertEquals(2, rng.intsLeft());
    }

    @Test
    void chooseBox_ratioWithoutLabel_rejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new RandomCrop(2, 1, 0.75).chooseBox(10, 1, null, new SplittableRandom(0)));
    }

    @Test
    void accepts_ignoreExcludedAndRatioStrict() {
        RandomCrop crop = new RandomCrop(4, 1, 0.75);
        LabelMap oneClassPlusIgnore = new LabelMap(4, 1, new byte[] {0, (byte) 255, (byte) 255, 0});
        assertFalse(crop.accepts(oneClassPlusIgnore, new CropBox(0, 0, 4, 1)), "one class once 255 is dropped");
        LabelMap exactlyThreeQuarters = new LabelMap(4, 1, new byte[] {0, 0, 0, 1});
        assertFalse(crop.accepts(exactlyThreeQuarters, new CropBox(0, 0, 4, 1)), "0.75 is not < 0.75");
        LabelMap withIgnore = new LabelMap(4, 1, new byte[] {0, 0, 1, (byte) 255});
        assertTrue(crop.accepts(withIgnore, new CropBox(0, 0, 4, 1)), "2/3 of non-ignore pixels");
    }

    @Test
    void cropBox_appliesSameWindowToLabelAndMask() {
        LabelMap label = new LabelMap(3, 2, new byte[] {0, 1, 2, 3, 4, 5});
        float[] mask = {10, 11, 12, 13, 14, 15};
        CropBox box = new CropBox(1, 1, 2, 1);
        assertArrayEquals(new byte[] {4, 5}, box.crop(label).ids());
        assertArrayEquals(new float[] {14, 15}, box.crop(mask, 3, 2));
        FloatImage img = new FloatImage(2, 2, 3, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        assertArrayEquals(new float[] {4, 5, 10, 11}, box.crop(img).data());
    }
}
