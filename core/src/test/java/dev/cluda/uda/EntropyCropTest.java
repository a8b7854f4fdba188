package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cluda.transform.DetailBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntropyCropTest {

    private static final int K = 19;

    /**
     * Probabilities (K, h, w): one-hot (class 3) everywhere except LR cells [x0, x0 + n) x [y0, y0 + n),
     * which are uniform.
     */
    private static float[] planted(int h, int w, int x0, int y0, int n) {
        float[] p = new float[K * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean inside = x >= x0 && x < x0 + n && y >= y0 && y < y0 + n;
                for (int c = 0; c < K; c++) {
                    p[(c * h + y) * w + x] = inside ? 1f / K : (c == 3 ? 1f : 0f);
                }
            }
        }
        return p;
    }

    /** The released geometry: 1024 context, 512 window, stride 256, divisor 8, 128x128 LR prediction. */
    private static EntropyCrop paper() {
        return new EntropyCrop(1024, 1024, 512, 512, 256, 256, 8);
    }

    @Test
    void entropy_twoClassesByHand() {
        // released normaliser K log K (§5.7): p = (0.5, 0.5) gives ln 2 / (2 ln 2) = 0.5, i.e. 1 on the
        // log K scale; p = (1, 0) gives 0; p = (0.25, 0.75) gives (0.25 ln 4 + 0.75 ln(4/3)) / (2 ln 2)
        float[] probs = {0.5f, 1f, 0.25f, 0.5f, 0f, 0.75f};
        float[] h = EntropyCrop.entropy(probs, 2, 1, 3);
        assertEquals(0.5f, h[0], 1e-6f);
        assertEquals(1f, h[0] * 2, 1e-6f);
        assertEquals(0f, h[1], 0f);
        assertEquals((0.25 * Math.log(4) + 0.75 * Math.log(4.0 / 3)) / (2 * Math.log(2)), h[2], 1e-6);
    }

    @Test
    void entropy_uniformOverKClasses_isOneOverLogK() {
        // -sum (1/K) log(1/K) = log K; divided by K log K (the released normaliser) gives 1/K
        float[] h = EntropyCrop.entropy(planted(1, 1, 0, 0, 1), K, 1, 1);
        assertEquals(1.0 / K, h[0], 1e-6);
    }

    @Test
    void offsets_releasedGeometry_andAnEdgeWindowAlignedToTheDivisor() {
        assertArrayEquals(new int[] {0, 256, 512}, EntropyCrop.offsets(1024, 512, 256, 8));
        // 1000 context: 0, 256 fit; the edge 488 is aligned down to 488 (488 % 8 == 0)
        assertArrayEquals(new int[] {0, 256, 488}, EntropyCrop.offsets(1000, 512, 256, 8));
        assertArrayEquals(new int[] {0, 256, 480}, EntropyCrop.offsets(995, 512, 256, 8));
        assertArrayEquals(new int[] {0}, EntropyCrop.offsets(512, 512, 256, 8));
    }

    @Test
    void choose_plantedUniformWindow_isChosenAtEveryReleasedPosition() {
        EntropyCrop crop = paper();
        for (int wy = 0; wy < 3; wy++) {
            for (int wx = 0; wx < 3; wx++) {
                // window (256 wx, 256 wy) of 512 context pixels = LR cells (32 wx, 32 wy), 64 wide
                float[] p = planted(128, 128, 32 * wx, 32 * wy, 64);
                List<DetailBox> boxes = crop.choose(List.of(p), K, 128, 128);
                assertEquals(List.of(new DetailBox(256 * wx, 256 * wy, 512, 512)), boxes, wx + "," + wy);
            }
        }
    }

    @Test
    void choose_batchOfThree_eachImageItsOwnWindow() {
        EntropyCrop crop = paper();
        List<float[]> batch = List.of(planted(128, 128, 64, 0, 64), planted(128, 128, 0, 64, 64),
                planted(128, 128, 32, 32, 64));
        assertEquals(List.of(new DetailBox(512, 0, 512, 512), new DetailBox(0, 512, 512, 512),
                new DetailBox(256, 256, 512, 512)), crop.choose(batch, K, 128, 128));
    }

    @Test
    void choose_tie_firstWindowInRowMajorOrder() {
        // all one-hot: every window scores 0, the first (0, 0) wins
        float[] flat = planted(128, 128, 0, 0, 0);
        assertEquals(List.of(new DetailBox(0, 0, 512, 512)), paper().choose(List.of(flat), K, 128, 128));
        // two equal planted blocks, at window (512, 0) and window (0, 512): rows first, so (512, 0)
        float[] two = planted(128, 128, 64, 0, 64);
        float[] other = planted(128, 128, 0, 64, 64);
        for (int i = 0; i < two.length; i++) {
            if (other[i] == 1f / K) {
                two[i] = 1f / K;
            }
        }
        assertEquals(List.of(new DetailBox(512, 0, 512, 512)), paper().choose(List.of(two), K, 128, 128));
    }

    @Test
    void choose_otherGeometry_nonSquareContextAndLrGrid() {
        // 96x64 context, 32x32 window, stride 16, divisor 8, 24x16 LR (x4 nearest): block at LR (12, 8), 8 wide
        EntropyCrop crop = new EntropyCrop(96, 64, 32, 32, 16, 16, 8);
        float[] p = planted(16, 24, 12, 8, 8);
        assertEquals(List.of(new DetailBox(48, 32, 32, 32)), crop.choose(List.of(p), K, 16, 24));
    }

    @Test
    void choose_ndArray_matchesTheHostPath() {
        List<float[]> batch = List.of(planted(128, 128, 64, 64, 64), planted(128, 128, 0, 32, 64));
        float[] all = new float[2 * batch.get(0).length];
        System.arraycopy(batch.get(0), 0, all, 0, batch.get(0).length);
        System.arraycopy(batch.get(1), 0, all, batch.get(0).length, batch.get(1).length);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray probs = m.create(all, new Shape(2, K, 128, 128));
            assertEquals(List.of(new DetailBox(512, 512, 512, 512), new DetailBox(0, 256, 512, 512)),
                    paper().choose(probs));
        }
    }

    @Test
    void constructor_strideNotAlignedOrWindowTooLarge_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EntropyCrop(1024, 1024, 512, 512, 252, 256, 8));
        assertThrows(IllegalArgumentException.class, () -> new EntropyCrop(256, 1024, 512, 512, 256, 256, 8));
    }
}
