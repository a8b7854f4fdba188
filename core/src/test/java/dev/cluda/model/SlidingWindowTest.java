package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

/**
 * Windows as mmseg {@code slide_inference}. At H = 36, W = 44, window 16, stride 12, output stride 4:
 * rows: n = ceil(20/12) + 1 = 3 windows [0,16), [12,28), [24→20,36) → cells [0,4), [3,7), [5,9);
 * cols: n = ceil(28/12) + 1 = 4 windows [0,16), [12,28), [24,40), [36→28,44) → cells [0,4), [3,7), [6,10), [7,11).
 * Row coverage {1,1,1,2,1,2,2,1,1}, column coverage {1,1,1,2,1,1,2,2,2,2,1}; a cell's count is their product.
 */
@ExtendWith(NDManagerExtension.class)
class SlidingWindowTest {

    private static final float[] ROW_COUNT = {1, 1, 1, 2, 1, 2, 2, 1, 1};
    private static final float[] COL_COUNT = {1, 1, 1, 2, 1, 1, 2, 2, 2, 2, 1};

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    /** (B, 3, H, W) whose channel 0 holds the row index and channel 1 the column index. */
    private NDArray coordinates(int batch, int h, int w) {
        NDArray rows = manager.arange((float) h).reshape(1, 1, h, 1).broadcast(batch, 1, h, w);
        NDArray cols = manager.arange((float) w).reshape(1, 1, 1, w).broadcast(batch, 1, h, w);
        return NDArrays.concat(new NDList(rows, cols, manager.zeros(new Shape(batch, 1, h, w))), 1);
    }

    /** Logits at stride 4: channel 0 = the window's top row y1, channel 1 = its left column x1, everywhere. */
    private Function<NDArray, NDArray> origin(List<Shape> seen) {
        return crop -> {
            seen.add(crop.getShape());
            Shape s = crop.getShape();
            float y1 = crop.getFloat(0, 0, 0, 0);
            float x1 = crop.getFloat(0, 1, 0, 0);
            Shape out = new Shape(s.get(0), 1, s.get(2) / 4, s.get(3) / 4);
            return NDArrays.concat(new NDList(manager.full(out, y1), manager.full(out, x1)), 1);
        };
    }

    @Test
    void starts_lastWindowEndsAtTheBorder() {
        assertEquals("[0, 16] [12, 28] [20, 36]", render(SlidingWindow.starts(36, 16, 12)));
        assertEquals("[0, 16] [12, 28] [24, 40] [28, 44]", render(SlidingWindow.starts(44, 16, 12)));
        assertEquals("[0, 8]", render(SlidingWindow.starts(8, 16, 12)));
        assertEquals("[0, 16]", render(SlidingWindow.starts(16, 16, 12)));
    }

    @Test
    void coverage_36x44_productOfAxisCounts_everyCellCovered() {
        float[] count = SlidingWindow.coverage(36, 44, 16, 12, 4);
        assertEquals(9 * 11, count.length);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 11; x++) {
                assertEquals(ROW_COUNT[y] * COL_COUNT[x], count[y * 11 + x], "cell " + y + "," + x);
                assertTrue(count[y * 11 + x] >= 1);
            }
        }
    }

    @Test
    void average_36x44_overlapsAreExactMeansOfTheWindowOrigins() {
        List<Shape> seen = new ArrayList<>();
        NDArray out = SlidingWindow.average(coordinates(2, 36, 44), 16, 12, 4, 2, origin(seen));
        assertEquals(new Shape(2, 2, 9, 11), out.getShape());
        assertEquals(12, seen.size());
        // mean y1 per row cell: rows 0–2 only window 0; row 3 windows 0, 12 → 6; row 4: 12; rows 5–6: 12, 20 → 16; rows 7–8: 20
        float[] meanY = {0, 0, 0, 6, 12, 16, 16, 20, 20};
        // mean x1 per column cell: 0,0,0, (0+12)/2, 12, 12, (12+24)/2, (24+28)/2 ×3, 28
        float[] meanX = {0, 0, 0, 6, 12, 12, 18, 26, 26, 26, 28};
        for (int b = 0; b < 2; b++) {
            for (int y = 0; y < 9; y++) {
                for (int x = 0; x < 11; x++) {
                    assertEquals(meanY[y], out.getFloat(b, 0, y, x), 1e-5f);
                    assertEquals(meanX[x], out.getFloat(b, 1, y, x), 1e-5f);
                }
            }
        }
    }

    @Test
    void average_inputSmallerThanWindow_oneWindowOfTheImageSize() {
        List<Shape> seen = new ArrayList<>();
        NDArray image = manager.randomNormal(new Shape(1, 3, 8, 12));
        Function<NDArray, NDArray> pool = crop -> {
            seen.add(crop.getShape());
            return crop.get(":, 0:2, ::4, ::4").mul(2f);
        };
        NDArray out = SlidingWindow.average(image, 16, 12, 4, 2, pool);
        assertEquals(List.of(new Shape(1, 3, 8, 12)), seen);
        assertArrayEquals(image.get(":, 0:2, ::4, ::4").mul(2f).toFloatArray(), out.toFloatArray(), 1e-6f);
    }

    @Test
    void average_oddSizeAtOutputStride1_identityForwardReturnsTheImage() {
        // 37×45 is no multiple of 4: at output stride 1 every size works; every window returns its own pixels,
        // so the average of overlapping copies is the image itself
        NDArray image = manager.randomNormal(new Shape(2, 3, 37, 45));
        NDArray out = SlidingWindow.average(image, 16, 12, 1, 3, crop -> crop.mul(1f));
        assertArrayEquals(image.toFloatArray(), out.toFloatArray(), 1e-5f);
        float[] count = SlidingWindow.coverage(37, 45, 16, 12, 1);
        // rows: ceil(21/12) + 1 = 3 windows [0,16) [12,28) [21,37): row 12 is in two, row 21 in two, row 36 in one
        assertEquals(2f, count[12 * 45]);
        assertEquals(2f, count[21 * 45]);
        assertEquals(1f, count[36 * 45]);
    }

    @Test
    void average_sizesNotMultiplesOfTheOutputStride_clearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlidingWindow.average(manager.zeros(new Shape(1, 3, 37, 44)), 16, 12, 4, 2, c -> c));
        assertTrue(e.getMessage().contains("multiples of outputStride 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SlidingWindow.average(manager.zeros(new Shape(1, 3, 36, 44)), 16, 10, 4, 2, c -> c));
        assertTrue(e.getMessage().contains("stride 10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SlidingWindow.average(manager.zeros(new Shape(1, 3, 36, 44)), 16, 12, 4, 2, c -> c));
        assertTrue(e.getMessage().contains("forward returned"), e.getMessage());
    }

    private static String render(List<int[]> windows) {
        StringBuilder b = new StringBuilder();
        for (int[] w : windows) {
            b.append(b.length() == 0 ? "" : " ").append('[').append(w[0]).append(", ").append(w[1]).append(']');
        }
        return b.toString();
    }
}
