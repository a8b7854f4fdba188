package dev.cluda.model;

import dev.cluda.transform.DetailBox;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.cluda.ndarray.HostArrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Sliding-window inference with averaged overlaps, as mmseg's {@code slide_inference} (reference §6.3 HR
 * branch at test, §9 whole-image HRDA evaluation).
 *
 * <p>Windows per axis: {@code n = max(ceil((H − window)/stride), 0) + 1}; window i starts at
 * {@code min(i·stride, ...)}: {@code y2 = min(i·stride + window, H)}, {@code y1 = max(y2 − window, 0)}, so
 * the last window ends at the border and an image smaller than the window gives one window of the image's
 * size. Every output pixel is covered at least once; logits are summed into a canvas with a count map and
 * divided by the count, so overlaps are exact averages.
 *
 * <p>Sizes: the canvas is at stride {@code outputStride}, so H, W, window and stride must be multiples of it
 * (else {@link IllegalArgumentException}). That keeps the stride-4 logits HRDA fuses and avoids a K×H×W
 * full-resolution canvas. Sizes that are not multiples of 4 (odd images) are handled with
 * {@code outputStride = 1} and a {@code forward} that resizes its logits to the window's size, which is what
 * mmseg does (its {@code encode_decode} resizes to the input); any size works then. Sizes that are not
 * multiples of the stride need nothing: the last window is shifted back to the border.
 */
public final class SlidingWindow {

    private SlidingWindow() {}

    /**
     * Runs {@code forward} on every window of {@code image} and averages the overlapping logits.
     *
     * @param image {@code (B, 3, H, W)} (any channel count)
     * @param window window side in input pixels, ≥ 1
     * @param stride step between windows in input pixels, ≥ 1
     * @param outputStride the stride of {@code forward}'s logits, ≥ 1 (4 for the DAFormer head)
     * @param channels the logits' channel count K
     * @param forward maps a window {@code (B, 3, wh, ww)} to {@code (B, channels, wh/outputStride,
     *     ww/outputStride)}; each window and its result live in a manager closed once they are added
     * @return {@code (B, channels, H/outputStride, W/outputStride)} in {@code image}'s manager
     */
    public static NDArray average(NDArray image, int window, int stride, int outputStride, int channels,
            Function<NDArray, NDArray> forward) {
        Shape s = image.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("image must be (B, C, H, W), got " + s);
        }
        if (window < 1 || stride < 1 || outputStride < 1 || channels < 1) {
            throw new IllegalArgumentException("window, stride, outputStride and channels must be >= 1, got "
                    + window + ", " + stride + ", " + outputStride + ", " + channels);
        }
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        if (h % outputStride != 0 || w % outputStride != 0 || window % outputStride != 0
                || stride % outputStride != 0) {
            throw new IllegalArgumentException("image " + h + "x" + w + ", window " + window + " and stride "
                    + stride + " must be multiples of outputStride " + outputStride
                    + "; for other sizes use outputStride 1 with logits resized to the window");
        }
        List<int[]> rows = starts(h, window, stride);
        List<int[]> cols = starts(w, window, stride);
        int oh = h / outputStride;
        int ow = w / outputStride;
        float[] count = coverage(h, w, window, stride, outputStride);
        NDManager parent = image.getManager();
        try (NDManager sub = parent.newSubManager(image.getDevice())) {
            NDArray sum = null;
            for (int[] r : rows) {
                for (int[] c : cols) {
                    // one manager per window: a window's activations are freed before the next one runs
                    try (NDManager win = sub.newSubManager(image.getDevice())) {
                        NDArray crop = image.get(new NDIndex(":, :, " + r[0] + ":" + r[1] + ", " + c[0] + ":" + c[1]));
                        crop.attach(win);
                        NDArray logits = forward.apply(crop);
                        logits.attach(win);
                        int ch = (r[1] - r[0]) / outputStride;
                        int cw = (c[1] - c[0]) / outputStride;
                        Shape expected = new Shape(s.get(0), channels, ch, cw);
                        if (!logits.getShape().equals(expected)) {
                            throw new IllegalArgumentException("forward returned " + logits.getShape()
                                    + " for window " + crop.getShape() + "; expected " + expected);
                        }
                        DetailBox cell = new DetailBox(c[0] / outputStride, r[0] / outputStride, cw, ch);
                        NDArray placed = HrdaFusion.place(
                                logits, Collections.nCopies(Math.toIntExact(s.get(0)), cell), oh, ow);
                        NDArray next = sum == null ? placed : sum.add(placed);
                        next.attach(sub);
                        if (sum != null) {
                            sum.close();
                        }
                        sum = next;
                    }
                }
            }
            NDArray counts = HostArrays.create(sub, count, new Shape(1, 1, oh, ow));
            if (counts.getDataType() != sum.getDataType()) {
                counts = counts.toType(sum.getDataType(), false);
            }
            NDArray result = sum.div(counts);
            result.attach(parent);
            return result;
        }
    }

    /**
     * How many windows cover each output cell, row-major {@code (H/outputStride) × (W/outputStride)}; the
     * divisor of {@link #average}.
     */
    static float[] coverage(int h, int w, int window, int stride, int outputStride) {
        int ow = w / outputStride;
        float[] count = new float[(h / outputStride) * ow];
        for (int[] r : starts(h, window, stride)) {
            for (int[] c : starts(w, window, stride)) {
                for (int y = r[0] / outputStride; y < r[1] / outputStride; y++) {
                    for (int x = c[0] / outputStride; x < c[1] / outputStride; x++) {
                        count[y * ow + x]++;
                    }
                }
            }
        }
        return count;
    }

    /**
     * The windows along one axis as {@code [start, end)} pairs (mmseg {@code slide_inference}).
     *
     * @param size the image size along the axis
     */
    static List<int[]> starts(int size, int window, int stride) {
        int n = Math.max((int) Math.ceil((double) (size - window) / stride), 0) + 1;
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int end = Math.min(i * stride + window, size);
            int start = Math.max(end - window, 0);
            out.add(new int[] {start, end});
        }
        return out;
    }
}
