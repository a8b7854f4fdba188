package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BlockMaskTest {

    @ParameterizedTest
    @CsvSource({"0.7, 64, 512, 512", "0.5, 16, 100, 70", "0.3, 7, 64, 64"})
    void draw_manyMasks_keptShareIsOneMinusRatio(double ratio, int block, int width, int height) {
        BlockMask mask = new BlockMask(block, ratio);
        SplittableRandom rng = new SplittableRandom(5);
        double kept = 0;
        int draws = 400;
        for (int i = 0; i < draws; i++) {
            float[] m = mask.draw(width, height, rng);
            double sum = 0;
            for (float v : m) {
                sum += v;
            }
            kept += sum / m.length / draws;
        }
        // cells cut at the border weigh less, so the pixel share scatters a little more than the cell share
        assertEquals(1 - ratio, kept, 0.02, "kept share over " + draws + " masks");
    }

    @Test
    void draw_sizeNotDivisible_cellsAlignedToTheTopLeftAndCutAtTheBorder() {
        BlockMask mask = new BlockMask(4, 0.5);
        float[] m = mask.draw(10, 6, new SplittableRandom(11));
        // 3 x 2 cells of 4 x 4 pixels, the last column 2 wide and the last row 2 high: constant inside each
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(m[(y / 4 * 4) * 10 + (x / 4 * 4)], m[y * 10 + x], "pixel " + x + "," + y);
                assertTrue(m[y * 10 + x] == 0f || m[y * 10 + x] == 1f);
            }
        }
    }

    @Test
    void draw_sameGeneratorState_sameMask() {
        BlockMask mask = new BlockMask(8, 0.7);
        assertArrayEquals(mask.draw(33, 17, new SplittableRandom(3)), mask.draw(33, 17, new SplittableRandom(3)));
    }

    @Test
    void apply_ratioOneAndZero_zeroImageAndUnchangedImage() {
        FloatImage image = new FloatImage(3, 5, 6, new float[3 * 5 * 6]);
        java.util.Arrays.fill(image.data(), 2.5f);
        FloatImage all = new BlockMask(2, 1.0).apply(image, new SplittableRandom(1));
        for (float v : all.data()) {
            assertEquals(0f, v);
        }
        assertArrayEquals(image.data(), new BlockMask(2, 0.0).apply(image, new SplittableRandom(1)).data());
    }

    @Test
    void new_badArguments_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new BlockMask(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new BlockMask(4, 1.5));
    }
}
