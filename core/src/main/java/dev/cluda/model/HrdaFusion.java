package dev.cluda.model;

import dev.cluda.transform.DetailBox;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cluda.ndarray.HostArrays;
import java.util.Collections;
import java.util.List;

/**
 * HRDA's scale-attention fusion of context (LR) and detail (HR) logits (reference §6.3, HRDA
 * {@code hrda_head.py::forward}): {@code fused = a·HR + (1 − a)·up(LR)}.
 *
 * <p>Grids: the context crop of full-resolution size {@code (Hc, Wc)} is resized by {@code scale} (0.5) and
 * decoded at stride 4 to the LR logits {@code (B, K, h, w)} with {@code h = Hc·scale/4}; the fused logits
 * lie on the context crop's full-resolution stride-4 grid {@code (B, K, h/scale, w/scale)}. The detail crop
 * is decoded at full resolution, stride 4, to {@code (B, K, height/4, width/4)} and placed into a zero canvas
 * of the fused grid at its {@link DetailBox}. Bilinear resizing is mmseg's {@code resize}
 * ({@code align_corners=false}).
 *
 * <p>Box rule: boxes are in the context crop's full-resolution pixels; x, y, width and height must be
 * multiples of the output stride 4 ({@link Order#CLUDA}) and, for {@link Order#HRDA}, of the LR feature
 * stride {@code 4/scale} (8 at scale 0.5, which HRDA's crops guarantee), because the attention is masked at
 * LR resolution there. All boxes of a batch have the HR logits' size; their positions may differ per image.
 *
 * <p>All operations are differentiable in the logits and the attention; results live in
 * {@code lrLogits}' manager.
 */
public final class HrdaFusion {

    /** Output stride of the DAFormer head at either resolution (reference §6.2 step 4). */
    public static final int OUTPUT_STRIDE = 4;

    /** Where (1 − a) multiplies the LR logits (reference §6.3, minor conflict). */
    public enum Order {
        /**
         * CLUDA: upsample the LR logits and the attention to the fused grid first, mask the attention there
         * by the box at stride 4, then {@code a·HR + (1 − a)·up(LR)}.
         */
        CLUDA,
        /**
         * HRDA: mask the attention at LR resolution by the box at stride {@code 4/scale}, multiply the LR
         * logits by {@code (1 − a)} there, then upsample both: {@code up(a)·HR + up((1 − a)·LR)}. The
         * upsampled attention is not re-masked (HR is zero outside the box), as HRDA does.
         */
        HRDA
    }

    private HrdaFusion() {}

    /** {@link #fuse(NDArray, NDArray, NDArray, List, double, Order)} with one box for every image. */
    public static NDArray fuse(NDArray lrLogits, NDArray hrLogits, NDArray attention, DetailBox box,
            double scale, Order order) {
        if (box == null) {
            throw new IllegalArgumentException("box is required; use fuseUnmasked for whole-image inference");
        }
        return fuse(lrLogits, hrLogits, attention,
                Collections.nCopies(Math.toIntExact(lrLogits.getShape().get(0)), box), scale, order);
    }

    /**
     * Fuses LR and detail-crop logits during training (attention masked outside the detail box).
     *
     * @param lrLogits context crop at LR, stride 4: {@code (B, K, h, w)}
     * @param hrLogits detail crop at full resolution, stride 4: {@code (B, K, height/4, width/4)}
     * @param attention sigmoid scale attention from the LR features: {@code (B, K, h, w)} or {@code (B, 1, h, w)}
     * @param boxes one detail box per image (see the class comment for the divisibility rule)
     * @param scale the LR scale in (0, 1], 0.5 in HRDA; {@code h/scale} and {@code 4/scale} must be integers
     * @param order where (1 − a) is applied
     * @return fused logits {@code (B, K, h/scale, w/scale)} on the context crop's full-resolution stride-4 grid
     */
    public static NDArray fuse(NDArray lrLogits, NDArray hrLogits, NDArray attention, List<DetailBox> boxes,
            double scale, Order order) {
        Shape lr = checkInputs(lrLogits, attention, scale, order);
        long gh = gridSize(lr.get(2), scale);
        long gw = gridSize(lr.get(3), scale);
        checkBoxes(boxes, lr.get(0), gh * OUTPUT_STRIDE, gw * OUTPUT_STRIDE);
        Shape hr = hrLogits.getShape();
        DetailBox first = boxes.get(0);
        Shape expected = new Shape(lr.get(0), lr.get(1), first.height() / OUTPUT_STRIDE, first.width() / OUTPUT_STRIDE);
        if (!hr.equals(expected)) {
            throw new IllegalArgumentException("hrLogits are " + hr + " but the detail box " + first
                    + " at stride " + OUTPUT_STRIDE + " needs " + expected);
        }
        int lrStride = lrStride(scale);
        NDManager parent = lrLogits.getManager();
        try (NDManager sub = parent.newSubManager(lrLogits.getDevice())) {
            NDArray canvas = place(hrLogits, grid(boxes, OUTPUT_STRIDE, "output stride 4"), gh, gw);
            canvas.attach(sub);
            NDArray result;
            if (order == Order.CLUDA) {
                NDArray mask = mask(sub, lrLogits, grid(boxes, OUTPUT_STRIDE, "output stride 4"), gh, gw);
                result = fuseCluda(sub, lrLogits, canvas, attention, mask, gh, gw);
            } else {
                NDArray mask = mask(sub, lrLogits,
                        grid(boxes, lrStride, "HRDA order masks the attention at the LR stride 4/scale"),
                        lr.get(2), lr.get(3));
                result = fuseHrda(sub, lrLogits, canvas, attention, mask, gh, gw);
            }
            result.attach(parent);
            return result;
        }
    }

    /**
     * Fuses LR logits with HR logits that cover the whole fused grid, the attention left unmasked (reference
     * §6.3: pseudo-labels and test, the HR branch run as a sliding window over the whole input).
     *
     * @param lrLogits {@code (B, K, h, w)}
     * @param hrLogits {@code (B, K, h/scale, w/scale)}
     * @param attention {@code (B, K, h, w)} or {@code (B, 1, h, w)}
     * @return fused logits {@code (B, K, h/scale, w/scale)}
     */
    public static NDArray fuseUnmasked(NDArray lrLogits, NDArray hrLogits, NDArray attention, double scale,
            Order order) {
        Shape lr = checkInputs(lrLogits, attention, scale, order);
        long gh = gridSize(lr.get(2), scale);
        long gw = gridSize(lr.get(3), scale);
        Shape expected = new Shape(lr.get(0), lr.get(1), gh, gw);
        if (!hrLogits.getShape().equals(expected)) {
            throw new IllegalArgumentException("hrLogits are " + hrLogits.getShape() + " but LR logits " + lr
                    + " at scale " + scale + " need " + expected);
        }
        NDManager parent = lrLogits.getManager();
        try (NDManager sub = parent.newSubManager(lrLogits.getDevice())) {
            NDArray result = order == Order.CLUDA
                    ? fuseCluda(sub, lrLogits, hrLogits, attention, null, gh, gw)
                    : fuseHrda(sub, lrLogits, hrLogits, attention, null, gh, gw);
            result.attach(parent);
            return result;
        }
    }

    /**
     * Places per-image crops into a zero canvas (HRDA's {@code hr_seg_inserted}; also the HR feature canvas
     * of reference §5.1). Differentiable in {@code crops}.
     *
     * @param crops {@code (B, C, ch, cw)}
     * @param boxesOnGrid one box per image in canvas cells, each {@code ch × cw}
     * @return {@code (B, C, canvasHeight, canvasWidth)}, zero outside the boxes, in {@code crops}' manager
     */
    public static NDArray place(NDArray crops, List<DetailBox> boxesOnGrid, long canvasHeight, long canvasWidth) {
        Shape s = crops.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("crops must be (B, C, h, w), got " + s);
        }
        checkBoxes(boxesOnGrid, s.get(0), canvasHeight, canvasWidth);
        int b = boxesOnGrid.size();
        int ch = Math.toIntExact(s.get(2));
        int cw = Math.toIntExact(s.get(3));
        int gh = Math.toIntExact(canvasHeight);
        int gw = Math.toIntExact(canvasWidth);
        float[] rows = new float[b * gh * ch];
        float[] colsT = new float[b * cw * gw];
        for (int i = 0; i < b; i++) {
            DetailBox box = boxesOnGrid.get(i);
            if (box.height() != ch || box.width() != cw) {
                throw new IllegalArgumentException("box " + box + " of image " + i + " is not the crops' size "
                        + ch + "x" + cw + " (height x width)");
            }
            for (int r = 0; r < ch; r++) {
                rows[(i * gh + box.y() + r) * ch + r] = 1f;
            }
            for (int c = 0; c < cw; c++) {
                colsT[(i * cw + c) * gw + box.x() + c] = 1f;
            }
        }
        NDManager parent = crops.getManager();
        try (NDManager sub = parent.newSubManager(crops.getDevice())) {
            NDArray pRows = typed(HostArrays.create(sub, rows, new Shape(b, 1, gh, ch)), crops);
            NDArray pColsT = typed(HostArrays.create(sub, colsT, new Shape(b, 1, cw, gw)), crops);
            NDArray tall = pRows.matMul(crops); // (B, C, gh, cw)
            tall.attach(sub);
            NDArray result = tall.matMul(pColsT); // (B, C, gh, gw)
            result.attach(parent);
            return result;
        }
    }

    /**
     * Crops each image of a grid to its box, e.g. the context crop's label to the detail crop for the HR
     * cross-entropy (reference §6.3: CE(HR, on the cropped label)).
     *
     * @param grid {@code (B, H, W)} (labels) or {@code (B, C, H, W)} (logits, features), any dtype
     * @param boxes one box per image in full-resolution pixels, all of one size
     * @param stride the grid's stride in full-resolution pixels: 1 for full-resolution labels, 4 for logits;
     *     every box coordinate must be a multiple of it
     * @return {@code (B, height/stride, width/stride)} or {@code (B, C, height/stride, width/stride)}
     */
    public static NDArray cropToBox(NDArray grid, List<DetailBox> boxes, int stride) {
        Shape s = grid.getShape();
        int rank = s.dimension();
        if (rank != 3 && rank != 4) {
            throw new IllegalArgumentException("grid must be (B, H, W) or (B, C, H, W), got " + s);
        }
        List<DetailBox> cells = grid(boxes, stride, "the grid's stride " + stride);
        checkBoxes(cells, s.get(0), s.get(rank - 2), s.get(rank - 1));
        DetailBox first = cells.get(0);
        NDManager parent = grid.getManager();
        try (NDManager sub = parent.newSubManager(grid.getDevice())) {
            NDList parts = new NDList(cells.size());
            for (int i = 0; i < cells.size(); i++) {
                DetailBox c = cells.get(i);
                if (c.width() != first.width() || c.height() != first.height()) {
                    throw new IllegalArgumentException("boxes of one batch must have one size, got " + boxes.get(0)
                            + " and " + boxes.get(i));
                }
                String index = i + ":" + (i + 1) + (rank == 4 ? ", :" : "")
                        + ", " + c.y() + ":" + c.y2() + ", " + c.x() + ":" + c.x2();
                NDArray part = grid.get(new NDIndex(index));
                part.attach(sub);
                parts.add(part);
            }
            NDArray result = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
            result.attach(parent);
            return result;
        }
    }

    /**
     * The detail-crop indicator {@code (B, 1, H, W)}: 1 inside each image's box, 0 outside (reference §5.4
     * m_i, §6.3 attention mask).
     *
     * @param like an array whose manager, device and dtype the mask takes
     * @param boxesOnGrid one box per image in grid cells
     */
    public static NDArray boxMask(NDArray like, List<DetailBox> boxesOnGrid, long height, long width) {
        return mask(like.getManager(), like, boxesOnGrid, height, width);
    }

    private static NDArray fuseCluda(NDManager sub, NDArray lr, NDArray hrCanvas, NDArray attention,
            NDArray gridMask, long gh, long gw) {
        NDArray upLr = keep(sub, Bilinear.resize(lr, gh, gw, false), lr);
        NDArray a = keep(sub, Bilinear.resize(attention, gh, gw, false), attention);
        if (gridMask != null) {
            a = a.mul(gridMask);
            a.attach(sub);
        }
        // a·HR + (1 − a)·up(LR) written as up(LR) + a·(HR − up(LR)): no scalar in the graph (stack notes)
        NDArray diff = hrCanvas.sub(upLr);
        diff.attach(sub);
        NDArray weighted = a.mul(diff);
        weighted.attach(sub);
        return upLr.add(weighted);
    }

    private static NDArray fuseHrda(NDManager sub, NDArray lr, NDArray hrCanvas, NDArray attention,
            NDArray lrMask, long gh, long gw) {
        NDArray a = attention;
        if (lrMask != null) {
            a = a.mul(lrMask);
            a.attach(sub);
        }
        NDArray aLr = a.mul(lr);
        aLr.attach(sub);
        NDArray scaled = lr.sub(aLr); // (1 − a)·LR at LR resolution
        scaled.attach(sub);
        NDArray upLr = keep(sub, Bilinear.resize(scaled, gh, gw, false), scaled);
        NDArray aUp = keep(sub, Bilinear.resize(a, gh, gw, false), a);
        NDArray weighted = aUp.mul(hrCanvas);
        weighted.attach(sub);
        return weighted.add(upLr);
    }

    /** Attaches a resize result to {@code sub} unless it is the input itself (Bilinear returns it unchanged). */
    private static NDArray keep(NDManager sub, NDArray resized, NDArray input) {
        if (resized != input) {
            resized.attach(sub);
        }
        return resized;
    }

    private static Shape checkInputs(NDArray lrLogits, NDArray attention, double scale, Order order) {
        if (order == null) {
            throw new IllegalArgumentException("order is required: CLUDA or HRDA");
        }
        Shape lr = lrLogits.getShape();
        if (lr.dimension() != 4) {
            throw new IllegalArgumentException("lrLogits must be (B, K, h, w), got " + lr);
        }
        Shape a = attention.getShape();
        if (a.dimension() != 4 || a.get(0) != lr.get(0) || (a.get(1) != lr.get(1) && a.get(1) != 1)
                || a.get(2) != lr.get(2) || a.get(3) != lr.get(3)) {
            throw new IllegalArgumentException("attention must be (B, K, h, w) or (B, 1, h, w) like lrLogits "
                    + lr + ", got " + a);
        }
        lrStride(scale);
        return lr;
    }

    /** The LR feature stride in full-resolution pixels, {@code 4/scale}; must be an integer. */
    private static int lrStride(double scale) {
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("scale must be in (0, 1], got " + scale);
        }
        double s = OUTPUT_STRIDE / scale;
        long r = Math.round(s);
        if (Math.abs(s - r) > 1e-9) {
            throw new IllegalArgumentException("4/scale must be an integer (the LR feature stride), got scale " + scale);
        }
        return Math.toIntExact(r);
    }

    static long gridSize(long lrSize, double scale) {
        double g = lrSize / scale;
        long r = Math.round(g);
        if (Math.abs(g - r) > 1e-9) {
            throw new IllegalArgumentException("LR size " + lrSize + " / scale " + scale + " is not an integer");
        }
        return r;
    }

    private static List<DetailBox> grid(List<DetailBox> boxes, int stride, String why) {
        if (boxes == null || boxes.isEmpty()) {
            throw new IllegalArgumentException("one detail box per image is required");
        }
        return boxes.stream().map(b -> {
            if (b == null) {
                throw new IllegalArgumentException("detail box is null");
            }
            return b.onGrid(stride, why);
        }).toList();
    }

    private static void checkBoxes(List<DetailBox> boxes, long batch, long height, long width) {
        if (boxes == null || boxes.size() != batch) {
            throw new IllegalArgumentException("need one detail box per image: batch " + batch + ", got "
                    + (boxes == null ? "none" : boxes.size()));
        }
        for (DetailBox b : boxes) {
            b.requireInside(height, width, "canvas");
        }
    }

    private static NDArray mask(NDManager manager, NDArray like, List<DetailBox> boxesOnGrid, long height,
            long width) {
        checkBoxes(boxesOnGrid, like.getShape().get(0), height, width);
        int h = Math.toIntExact(height);
        int w = Math.toIntExact(width);
        float[] m = new float[boxesOnGrid.size() * h * w];
        for (int i = 0; i < boxesOnGrid.size(); i++) {
            DetailBox b = boxesOnGrid.get(i);
            for (int r = b.y(); r < b.y2(); r++) {
                for (int c = b.x(); c < b.x2(); c++) {
                    m[(i * h + r) * w + c] = 1f;
                }
            }
        }
        return typed(HostArrays.create(manager, m, new Shape(boxesOnGrid.size(), 1, h, w)), like);
    }

    private static NDArray typed(NDArray a, NDArray like) {
        DataType type = like.getDataType();
        return type == a.getDataType() ? a : a.toType(type, false);
    }
}
