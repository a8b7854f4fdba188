package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.LabelMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassMixTest {

    /** 3x2 label holding {1, 4, 7, 255}. */
    private static final LabelMap SOURCE = new LabelMap(3, 2, new byte[] {1, 4, 7, 7, (byte) 255, 1});

    @Test
    void uniqueValues_includesIgnore() {
        assertArrayEquals(new int[] {1, 4, 7, 255}, ClassMix.uniqueValues(SOURCE));
    }

    @Test
    void classMask_fourValues_picksTwoAndMarksTheirPixels() {
        SplittableRandom rng = new SplittableRandom(0);
        for (int i = 0; i < 50; i++) {
            MixMask m = ClassMix.classMask(SOURCE, rng);
            assertEquals(2, m.classes().length);
            assertTrue(m.classes()[0] != m.classes()[1]);
            for (int p = 0; p < 6; p++) {
                int v = SOURCE.ids()[p] & 0xFF;
                boolean chosen = Arrays.stream(m.classes()).anyMatch(c -> c == v);
                assertEquals(chosen ? 1f : 0f, m.values()[p]);
            }
        }
    }

    @Test
    void classMask_oddCount_takesCeilHalf() {
        LabelMap three = new LabelMap(3, 1, new byte[] {0, 2, 5});
        assertEquals(2, ClassMix.classMask(three, new SplittableRandom(1)).classes().length);
        LabelMap one = new LabelMap(2, 1, new byte[] {9, 9});
        MixMask all = ClassMix.classMask(one, new SplittableRandom(1));
        assertArrayEquals(new int[] {9}, all.classes());
        assertArrayEquals(new float[] {1, 1}, all.values());
    }

    @Test
    void classMask_scriptedDraw_partialFisherYates() {
        // pool [1, 4, 7, 255]: swap 0 <-> 0 + 2 -> [7, 4, 1, 255]; swap 1 <-> 1 + 2 -> [7, 255, 1, 4]
        MixMask m = ClassMix.classMask(SOURCE, new ScriptedRandom().withInts(2, 2));
        assertArrayEquals(new int[] {7, 255}, m.classes());
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 0}, m.values());
    }

    @Test
    void classMask_manyDraws_everyPairAboutEquallyLikely() {
        SplittableRandom rng = new SplittableRandom(42);
        Map<String, Integer> counts = new HashMap<>();
        int n = 6000;
        for (int i = 0; i < n; i++) {
            counts.merge(Arrays.toString(ClassMix.classMask(SOURCE, rng).classes()), 1, Integer::sum);
        }
        assertEquals(6, counts.size());
        counts.values().forEach(c -> assertTrue(Math.abs(c - n / 6) < 150, "pair count " + c));
    }

    @Test
    void mix_imageLabelWeight_handComputed() {
        MixMask m = ClassMix.maskOf(SOURCE, new int[] {1, 255}); // 1 at pixels 0, 4, 5
        FloatImage src = new FloatImage(1, 2, 3, new float[] {10, 11, 12, 13, 14, 15});
        FloatImage tgt = new FloatImage(1, 2, 3, new float[] {20, 21, 22, 23, 24, 25});
        LabelMap pseudo = new LabelMap(3, 2, new byte[] {2, 2, 2, 3, 3, 3});
        float[] weight = {0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f};
        ClassMix.Mixed mixed = ClassMix.mix(m, src, SOURCE, tgt, pseudo, weight);
        assertArrayEquals(new float[] {10, 21, 22, 23, 14, 15}, mixed.image().data());
        assertArrayEquals(new byte[] {1, 2, 2, 3, (byte) 255, 1}, mixed.label().ids());
        assertArrayEquals(new float[] {1, 0.5f, 0.5f, 0.25f, 1, 1}, mixed.weight());
    }

    @Test
    void mixImages_sizeMismatch_rejected() {
        MixMask m = ClassMix.maskOf(SOURCE, new int[] {1});
        assertThrows(IllegalArgumentException.class,
                () -> ClassMix.mixImages(m, FloatImage.zeros(3, 2, 3), FloatImage.zeros(3, 3, 3)));
    }
}
