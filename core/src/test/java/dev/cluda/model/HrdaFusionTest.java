package dev.cluda.model;

import dev.cluda.transform.DetailBox;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.cluda.model.HrdaFusion.Order;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

/**
 * Hand-computed fusions on one class, LR 2×2 at scale 0.5, fused grid 4×4 (context crop 16×16 pixels).
 *
 * <p>Bilinear 2 → 4 with align_corners=false samples the LR at t = {0, 0.25, 0.75, 1} (BilinearTest), so
 * up([[a, b], [c, d]]) at (y, x) interpolates with t[y], t[x]. Inputs: LR = [[0, 4], [8, 12]] = 4x + 8y, so
 * up(LR) = {0, 1, 3, 4}[x] + {0, 2, 6, 8}[y]; attention A = [[0.2, 0.6], [0.4, 0.8]] = 0.2 + 0.4x + 0.2y, so
 * up(A) = 0.2 + {0, .1, .3, .4}[x] + {0, .05, .15, .2}[y]; HR = [[10, 20], [30, 40]] (one 2×2 crop at stride 4).
 */
@ExtendWith(NDManagerExtension.class)
class HrdaFusionTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private NDArray lr() {
        return manager.create(new float[] {0, 4, 8, 12}, new Shape(1, 1, 2, 2));
    }

    private NDArray attention() {
        return manager.create(new float[] {0.2f, 0.6f, 0.4f, 0.8f}, new Shape(1, 1, 2, 2));
    }

    private NDArray hr() {
        return manager.create(new float[] {10, 20, 30, 40}, new Shape(1, 1, 2, 2));
    }

    @Test
    void fuse_cludaOrder_boxAtStride4_handValues_upsampledLrOutsideTheBox() {
        // box pixels (4, 4, 8, 8) → grid rows/cols 1–2. Inside: a·HR + (1 − a)·up(LR):
        // (1,1) a = .35, up = 3: 3.5 + 1.95 = 5.45;  (1,2) a = .55, up = 5: 11 + 2.25 = 13.25;
        // (2,1) a = .45, up = 7: 13.5 + 3.85 = 17.35; (2,2) a = .65, up = 9: 26 + 3.15 = 29.15. Outside: up(LR).
        float[] expected = {
            0, 1, 3, 4,
            2, 5.45f, 13.25f, 6,
            6, 17.35f, 29.15f, 10,
            8, 9, 11, 12};
        NDArray fused = HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(4, 4, 8, 8), 0.5, Order.CLUDA);
        assertEquals(new Shape(1, 1, 4, 4), fused.getShape());
        assertArrayEquals(expected, fused.toFloatArray(), 1e-5f);
    }

    @Test
    void fuse_hrdaOrder_maskAtLrResolution_handValues() {
        // box pixels (8, 0, 8, 8) → LR cell (row 0, col 1) at stride 8, grid rows 0–1, cols 2–3.
        // masked A = [[0, .6], [0, 0]]; (1 − a)·LR = [[0, 1.6], [8, 12]];
        // up of that: row0 = 1.6·t = {0, .4, 1.2, 1.6}, row3 = {8, 9, 11, 12},
        //   row1 = .75·row0 + .25·row3 = {2, 2.55, 3.65, 4.2}, row2 = .25·row0 + .75·row3 = {6, 6.85, 8.55, 9.4};
        // up(masked A)(y, x) = .6·t[x]·(1 − t[y]): row0 {0, .15, .45, .6}, row1 {0, .1125, .3375, .45};
        // inside the box + up(a)·HR: (0,2) 1.2 + 4.5 = 5.7; (0,3) 1.6 + 12 = 13.6; (1,2) 3.65 + 10.125 = 13.775;
        // (1,3) 4.2 + 18 = 22.2. Outside, (1 − a) applied at LR leaks: (0,1) is .4, not up(LR) = 1.
        float[] expected = {
            0, 0.4f, 5.7f, 13.6f,
            2, 2.55f, 13.775f, 22.2f,
            6, 6.85f, 8.55f, 9.4f,
            8, 9, 11, 12};
        NDArray fused = HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(8, 0, 8, 8), 0.5, Order.HRDA);
        assertArrayEquals(expected, fused.toFloatArray(), 1e-5f);
    }

    @Test
    void fuse_cludaOrder_sameBoxAsHrda_differsOnlyByOrder() {
        NDArray cluda = HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(8, 0, 8, 8), 0.5, Order.CLUDA);
        // CLUDA at (0,2): a = up(A) masked = .2 + .3 + 0 = .5, up(LR) = 3: .5·10 + .5·3 = 6.5 (HRDA: 5.7);
        // outside the box CLUDA keeps up(LR): (0,1) = 1.
        assertEquals(6.5f, cluda.getFloat(0, 0, 0, 2), 1e-5f);
        assertEquals(1f, cluda.getFloat(0, 0, 0, 1), 1e-6f);
    }

    @Test
    void fuse_perImageBoxes_eachImageAsIfAlone() {
        NDArray lr2 = NDArrays.concat(new NDList(lr(), lr().add(1)), 0);
        NDArray att2 = NDArrays.concat(new NDList(attention(), attention().mul(0.5f)), 0);
        NDArray hr2 = NDArrays.concat(new NDList(hr(), hr().neg()), 0);
        DetailBox b0 = new DetailBox(0, 8, 8, 8);
        DetailBox b1 = new DetailBox(8, 0, 8, 8);
        for (Order order : Order.values()) {
            NDArray both = HrdaFusion.fuse(lr2, hr2, att2, List.of(b0, b1), 0.5, order);
            assertEquals(new Shape(2, 1, 4, 4), both.getShape());
            NDArray first = HrdaFusion.fuse(lr(), hr(), attention(), b0, 0.5, order);
            NDArray second = HrdaFusion.fuse(lr().add(1), hr().neg(), attention().mul(0.5f), b1, 0.5, order);
            assertArrayEquals(first.toFloatArray(), both.get(0).toFloatArray(), 1e-6f, order.name());
            assertArrayEquals(second.toFloatArray(), both.get(1).toFloatArray(), 1e-6f, order.name());
        }
    }

    @Test
    void fuse_singleChannelAttention_broadcastsOverClasses() {
        NDArray lrK = NDArrays.concat(new NDList(lr(), lr().mul(2)), 1);
        NDArray hrK = NDArrays.concat(new NDList(hr(), hr().mul(3)), 1);
        NDArray attK = NDArrays.concat(new NDList(attention(), attention()), 1);
        DetailBox box = new DetailBox(0, 0, 8, 8);
        for (Order order : Order.values()) {
            NDArray one = HrdaFusion.fuse(lrK, hrK, attention(), box, 0.5, order);
            NDArray classwise = HrdaFusion.fuse(lrK, hrK, attK, box, 0.5, order);
            assertEquals(new Shape(1, 2, 4, 4), one.getShape());
            assertArrayEquals(classwise.toFloatArray(), one.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void fuseUnmasked_equalsFuseWithAFullBox() {
        NDArray hrFull = manager.arange(16f).reshape(1, 1, 4, 4);
        for (Order order : Order.values()) {
            NDArray unmasked = HrdaFusion.fuseUnmasked(lr(), hrFull, attention(), 0.5, order);
            NDArray full = HrdaFusion.fuse(lr(), hrFull, attention(), new DetailBox(0, 0, 16, 16), 0.5, order);
            assertArrayEquals(full.toFloatArray(), unmasked.toFloatArray(), 1e-6f, order.name());
        }
        // CLUDA at (0,0): a = .2, up(LR) = 0, HR = 0 → 0; at (3,3): a = .8, up(LR) = 12, HR = 15 → 12 + .8·3 = 14.4
        NDArray c = HrdaFusion.fuseUnmasked(lr(), hrFull, attention(), 0.5, Order.CLUDA);
        assertEquals(14.4f, c.getFloat(0, 0, 3, 3), 1e-5f);
    }

    @Test
    void fuse_gradientReachesAttentionOnlyInsideTheBox() {
        NDArray att = attention();
        att.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray fused = HrdaFusion.fuse(lr(), hr(), att, new DetailBox(8, 0, 8, 8), 0.5, Order.HRDA);
            gc.backward(fused.sum());
        }
        float[] g = att.getGradient().toFloatArray();
        // only LR cell (0, 1) is inside the box at LR resolution
        assertEquals(0f, g[0], 0f);
        assertNotEquals(0f, g[1]);
        assertEquals(0f, g[2], 0f);
        assertEquals(0f, g[3], 0f);
    }

    @Test
    void fuse_boxRules_clearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(2, 4, 8, 8), 0.5, Order.CLUDA));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
        // stride 4 is enough for CLUDA but HRDA masks at the LR stride 4/scale = 8
        HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(4, 4, 8, 8), 0.5, Order.CLUDA);
        e = assertThrows(IllegalArgumentException.class,
                () -> HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(4, 4, 8, 8), 0.5, Order.HRDA));
        assertTrue(e.getMessage().contains("multiples of 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(12, 0, 8, 8), 0.5, Order.CLUDA));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HrdaFusion.fuse(lr(), hr(), attention(), new DetailBox(0, 0, 12, 8), 0.5, Order.CLUDA));
        assertTrue(e.getMessage().contains("hrLogits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HrdaFusion.fuse(
                lr(), hr(), attention(), List.of(new DetailBox(0, 0, 8, 8), new DetailBox(0, 0, 8, 8)), 0.5, Order.CLUDA));
        assertTrue(e.getMessage().contains("one detail box per image"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DetailBox(-1, 0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new DetailBox(0, 0, 0, 4));
    }

    @Test
    void cropToBox_labelsAtFullResolutionAndLogitsAtStride4_perImage() {
        NDArray labels = manager.arange(0, 128, 1, ai.djl.ndarray.types.DataType.INT32).reshape(2, 8, 8);
        List<DetailBox> boxes = List.of(new DetailBox(4, 0, 4, 4), new DetailBox(0, 4, 4, 4));
        NDArray cropped = HrdaFusion.cropToBox(labels, boxes, 1);
        assertEquals(new Shape(2, 4, 4), cropped.getShape());
        assertArrayEquals(labels.get(new NDIndex("0, 0:4, 4:8")).toIntArray(), cropped.get(0).toIntArray());
        assertArrayEquals(labels.get(new NDIndex("1, 4:8, 0:4")).toIntArray(), cropped.get(1).toIntArray());
        // the first row of image 0's crop: 4, 5, 6, 7
        assertArrayEquals(new int[] {4, 5, 6, 7}, cropped.get(new NDIndex("0, 0")).toIntArray());
        NDArray logits = manager.arange(32f).reshape(2, 1, 4, 4);
        NDArray atStride4 = HrdaFusion.cropToBox(logits, List.of(new DetailBox(8, 8, 8, 8), new DetailBox(0, 0, 8, 8)), 4);
        assertArrayEquals(new float[] {10, 11, 14, 15, 16, 17, 20, 21}, atStride4.toFloatArray());
    }
}
