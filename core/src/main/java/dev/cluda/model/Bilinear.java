package dev.cluda.model;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Resizing of {@code (B, C, H, W)} arrays with torch's {@code F.interpolate} semantics: bilinear with a
 * chosen {@code align_corners} (reference §5.1, §5.2, §6.2) and legacy {@code nearest} for labels.
 *
 * <p>Bilinear resizing is separable, so it is computed as {@code A_h · X · A_wᵀ} with interpolation
 * matrices {@code A_h (outH, H)} and {@code A_w (outW, W)} built here. That is differentiable with
 * respect to {@code X}, runs on whatever device holds {@code X}, and supports both corner modes (DJL's
 * engine {@code interpolation} ignores {@code alignCorners}).
 *
 * <p>Torch's source coordinates: with {@code align_corners=false} {@code src = (dst + 0.5) · in/out − 0.5},
 * clamped at 0 (half-pixel centres); with {@code align_corners=true} {@code src = dst · (in − 1)/(out − 1)}.
 * The two neighbours are {@code floor(src)} and {@code min(floor(src) + 1, in − 1)}.
 */
public final class Bilinear {

    private Bilinear() {}

    /**
     * Bilinearly resizes the last two axes.
     *
     * @param x an array of shape {@code (B, C, H, W)} (any rank ≥ 2; the last two axes are resized)
     * @param outH the output height, ≥ 1
     * @param outW the output width, ≥ 1
     * @param alignCorners torch's {@code align_corners}
     * @return an array of shape {@code (B, C, outH, outW)} in {@code x}'s manager, dtype and device;
     *     {@code x} itself when it already has that size
     */
    public static NDArray resize(NDArray x, long outH, long outW, boolean alignCorners) {
        Shape shape = checkShape(x, outH, outW);
        long inH = shape.get(shape.dimension() - 2);
        long inW = shape.get(shape.dimension() - 1);
        if (inH == outH && inW == outW) {
            return x; // torch returns an equal tensor; DJL's duplicate() would cut the gradient
        }
        NDManager parent = x.getManager();
        try (NDManager sub = parent.newSubManager(x.getDevice())) {
            NDArray result = x;
            if (inW != outW) {
                NDArray awT = matrix(sub, x, (int) inW, (int) outW, alignCorners).transpose();
                result = result.matMul(awT); // (…, H, outW)
                result.attach(sub);
            }
            if (inH != outH) {
                NDArray ah = matrix(sub, x, (int) inH, (int) outH, alignCorners);
                result = ah.matMul(result); // (…, outH, outW)
            }
            result.attach(parent);
            return result;
        }
    }

    /**
     * Nearest-neighbour resizing of the last two axes with torch's legacy {@code nearest} rule
     * {@code src = min(floor(dst · in/out), in − 1)}; works for every dtype (labels included).
     *
     * @param x an array of shape {@code (…, H, W)}, e.g. labels {@code (B, H, W)} or {@code (B, 1, H, W)}
     * @param outH the output height, ≥ 1
     * @param outW the output width, ≥ 1
     * @return an array of shape {@code (…, outH, outW)} in {@code x}'s manager, dtype and device
     */
    public static NDArray nearest(NDArray x, long outH, long outW) {
        Shape shape = checkShape(x, outH, outW);
        long inH = shape.get(shape.dimension() - 2);
        long inW = shape.get(shape.dimension() - 1);
        NDManager parent = x.getManager();
        try (NDManager sub = parent.newSubManager(x.getDevice())) {
            NDArray rows = HostArrays.create(sub, nearestIndex((int) inH, (int) outH));
            NDArray cols = HostArrays.create(sub, nearestIndex((int) inW, (int) outW));
            NDArray picked = x.get(new NDIndex("..., {}, :", rows));
            picked.attach(sub);
            NDArray result = picked.get(new NDIndex("..., {}", cols));
            result.attach(parent);
            return result;
        }
    }

    /**
     * The {@code (out, in)} interpolation matrix whose row {@code d} holds the two bilinear weights of
     * output position {@code d}.
     */
    static float[][] weights(int in, int out, boolean alignCorners) {
        float[][] a = new float[out][in];
        float scale = alignCorners
                ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f)
                : (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = alignCorners ? scale * d : scale * (d + 0.5f) - 0.5f;
            if (src < 0f) {
                src = 0f;
            }
            int i0 = Math.min((int) src, in - 1);
            int i1 = i0 < in - 1 ? i0 + 1 : i0;
            float lambda1 = src - i0;
            a[d][i0] += 1f - lambda1;
            a[d][i1] += lambda1;
        }
        return a;
    }

    static long[] nearestIndex(int in, int out) {
        float scale = (float) in / out;
        long[] index = new long[out];
        for (int d = 0; d < out; d++) {
            index[d] = Math.min((long) Math.floor(d * scale), in - 1);
        }
        return index;
    }

    private static NDArray matrix(NDManager manager, NDArray like, int in, int out, boolean alignCorners) {
        float[][] w = weights(in, out, alignCorners);
        float[] flat = new float[out * in];
        for (int d = 0; d < out; d++) {
            System.arraycopy(w[d], 0, flat, d * in, in);
        }
        NDArray m = HostArrays.create(manager, flat, new Shape(out, in));
        DataType type = like.getDataType();
        return type == DataType.FLOAT32 ? m : m.toType(type, false);
    }

    private static Shape checkShape(NDArray x, long outH, long outW) {
        Shape shape = x.getShape();
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException(
                    "resize needs an array of shape (…, H, W), got " + shape + "; add the spatial axes");
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("output size must be at least 1x1, got " + outH + "x" + outW);
        }
        return shape;
    }
}
