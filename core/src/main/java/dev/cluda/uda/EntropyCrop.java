package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.cluda.transform.DetailBox;
import java.util.ArrayList;
import java.util.List;

/**
 * Entropy-based placement of the HR detail crop on mixed images (reference §5.7, CLUDA
 * {@code hrda_encoder_decoder.py::max_entropy_crop}), generalised from the released 1024 context,
 * 512 window, stride 256 and batch of two to any sizes and batch.
 *
 * <p>Input: per image, the class probabilities of the detached LR prediction as a host
 * {@code float[]} of shape {@code (K, h, w)}, channel-major (softmax already applied; the caller
 * owns the forward pass). Each image's normalised entropy is {@code H = −Σ p log p / (K log K)},
 * the released normaliser, so uniform probabilities give {@code 1 / K} (any positive constant
 * picks the same window); {@code 0 log 0 = 0}, where the released code clamps p to 1e-8 first (a
 * difference below 2e-7 per class). A window scores the mean of H nearest-upsampled to the context
 * crop size (torch {@code interpolate(mode='nearest')}: source index {@code floor(dst · h / H)}).
 * The upsampled map is never built: each LR cell's value is weighted by the number of context
 * pixels of the window that map to it, which gives exactly the mean over the upsampled window.
 *
 * <p>Windows: mmseg slide positions {@code 0, s, 2s, …} while the window fits, and a last window
 * at the far edge if the strides do not reach it, that edge position rounded down to a multiple
 * of the divisor so every box stays aligned (the released code has no divisor here; at
 * 1024/512/256 the positions 0, 256, 512 are the released ones). The highest mean wins; on a tie
 * the first window in row-major order (rows outer), as the released strict {@code >} keeps it.
 */
public final class EntropyCrop {

    private final int contextWidth;
    private final int contextHeight;
    private final int windowWidth;
    private final int windowHeight;
    private final int strideX;
    private final int strideY;
    private final int divisor;

    /**
     * @param contextWidth  context crop width in full-resolution pixels (1024)
     * @param contextHeight context crop height (1024)
     * @param windowWidth   window = detail crop width (512)
     * @param windowHeight  window = detail crop height (512)
     * @param strideX       window stride in context pixels (256), a multiple of {@code divisor}
     * @param strideY       window stride in context pixels (256), a multiple of {@code divisor}
     * @param divisor       box coordinates are multiples of this ({@code hrda.cropDivisor}, 8)
     */
    public EntropyCrop(int contextWidth, int contextHeight, int windowWidth, int windowHeight, int strideX,
                       int strideY, int divisor) {
        if (windowWidth <= 0 || windowHeight <= 0 || windowWidth > contextWidth || windowHeight > contextHeight) {
            throw new IllegalArgumentException("the " + windowWidth + "x" + windowHeight + " window must fit the "
                    + contextWidth + "x" + contextHeight + " context crop");
        }
        if (divisor <= 0 || strideX <= 0 || strideY <= 0 || strideX % divisor != 0 || strideY % divisor != 0) {
            throw new IllegalArgumentException("strides " + strideX + ", " + strideY
                    + " must be positive multiples of the divisor " + divisor);
        }
        this.contextWidth = contextWidth;
        this.contextHeight = contextHeight;
        this.windowWidth = windowWidth;
        this.windowHeight = windowHeight;
        this.strideX = strideX;
        this.strideY = strideY;
        this.divisor = divisor;
    }

    /**
     * The normalised entropy map {@code (h, w)} of one image's probabilities {@code (K, h, w)}: 1 for
     * uniform probabilities, 0 for one-hot. Needs {@code K >= 2}.
     */
    public static float[] entropy(float[] probabilities, int classes, int height, int width) {
        if (classes < 2) {
            throw new IllegalArgumentException("normalised entropy needs at least 2 classes, got " + classes);
        }
        int plane = height * width;
        if (probabilities.length != classes * plane) {
            throw new IllegalArgumentException("probabilities hold " + probabilities.length + " values, expected "
                    + classes + "*" + height + "*" + width);
        }
        double norm = classes * Math.log(classes);
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            double h = 0;
            for (int c = 0; c < classes; c++) {
                double v = probabilities[c * plane + p];
                if (v > 0) {
                    h -= v * Math.log(v);
                }
            }
            out[p] = (float) (h / norm);
        }
        return out;
    }

    /** Top-left offsets of the windows along a side, in the order they are scanned. */
    static int[] offsets(int size, int window, int stride, int divisor) {
        int margin = size - window;
        List<Integer> out = new ArrayList<>();
        int last = -1;
        for (int o = 0; o <= margin; o += stride) {
            out.add(o);
            last = o;
        }
        int edge = margin / divisor * divisor;
        if (edge > last) {
            out.add(edge);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The highest-entropy window of each image.
     *
     * @param probabilities per image, {@code (classes, height, width)} channel-major
     * @param height        LR prediction height (e.g. 128)
     * @param width         LR prediction width (e.g. 128)
     * @return one box per image, in order
     */
    public List<DetailBox> choose(List<float[]> probabilities, int classes, int height, int width) {
        int[] xs = offsets(contextWidth, windowWidth, strideX, divisor);
        int[] ys = offsets(contextHeight, windowHeight, strideY, divisor);
        int[] rowOf = nearestSource(height, contextHeight);
        int[] colOf = nearestSource(width, contextWidth);
        List<DetailBox> boxes = new ArrayList<>(probabilities.size());
        for (float[] image : probabilities) {
            float[] h = entropy(image, classes, height, width);
            double best = Double.NEGATIVE_INFINITY;
            int bestX = 0;
            int bestY = 0;
            for (int y0 : ys) {
                double[] rowWeight = counts(rowOf, y0, windowHeight, height);
                for (int x0 : xs) {
                    double[] colWeight = counts(colOf, x0, windowWidth, width);
                    double score = windowMean(h, rowWeight, colWeight, width);
                    if (score > best) {
                        best = score;
                        bestX = x0;
                        bestY = y0;
                    }
                }
            }
            boxes.add(new DetailBox(bestX, bestY, windowWidth, windowHeight));
        }
        return boxes;
    }

    /**
     * The same from an NDArray of probabilities {@code (B, K, h, w)}, copied to the host (at paper
     * scale 2 · 19 · 128 · 128 values).
     */
    public List<DetailBox> choose(NDArray probabilities) {
        Shape s = probabilities.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("probabilities must be (B, K, h, w), got " + s);
        }
        int batch = (int) s.get(0);
        int classes = (int) s.get(1);
        int height = (int) s.get(2);
        int width = (int) s.get(3);
        float[] all = probabilities.toFloatArray();
        int per = classes * height * width;
        List<float[]> images = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            float[] one = new float[per];
            System.arraycopy(all, b * per, one, 0, per);
            images.add(one);
        }
        return choose(images, classes, height, width);
    }

    /** For each context index, the LR index nearest upsampling reads (torch legacy {@code nearest}). */
    private static int[] nearestSource(int lrSize, int contextSize) {
        float scale = (float) lrSize / contextSize; // torch computes the ratio in float
        int[] idx = new int[contextSize];
        for (int d = 0; d < contextSize; d++) {
            idx[d] = Math.min((int) Math.floor(d * scale), lrSize - 1);
        }
        return idx;
    }

    /** How many context indices in {@code [start, start + length)} read each LR index. */
    private static double[] counts(int[] sourceOf, int start, int length, int lrSize) {
        double[] c = new double[lrSize];
        for (int d = start; d < start + length; d++) {
            c[sourceOf[d]]++;
        }
        return c;
    }

    private static double windowMean(float[] h, double[] rowWeight, double[] colWeight, int width) {
        double sum = 0;
        double area = 0;
        for (int i = 0; i < rowWeight.length; i++) {
            if (rowWeight[i] == 0) {
                continue;
            }
            double row = 0;
            double rowArea = 0;
            for (int j = 0; j < colWeight.length; j++) {
                if (colWeight[j] != 0) {
                    row += colWeight[j] * h[i * width + j];
                    rowArea += colWeight[j];
                }
            }
            sum += rowWeight[i] * row;
            area += rowWeight[i] * rowArea;
        }
        return sum / area;
    }
}
