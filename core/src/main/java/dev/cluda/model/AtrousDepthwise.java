package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A dilated ("atrous") depthwise convolution with "same" padding, computed as an undilated one on
 * the {@code d × d} interleaved sub-images of the input (space-to-batch, as TensorFlow's
 * {@code atrous_conv2d}): output row {@code h = t·d + r} only ever reads input rows {@code ≡ r (mod d)},
 * so phase {@code (r, s)} is an ordinary {@code k × k} convolution of the phase's sub-image. The sums
 * are the same nine products per output as the dilated convolution's.
 *
 * <p>Why: libtorch on CPU runs the backward of a dilated depthwise convolution through a slow
 * generic path (for the DAFormer ASPP's 512-channel 3×3 branches at 32×32 about 54 ms per call
 * against 0.7 ms for an undilated one of the same size, docs/BENCHMARKS.md), while undilated
 * depthwise convolutions have fast kernels forward and backward.
 */
final class AtrousDepthwise {

    private AtrousDepthwise() {
    }

    /**
     * {@code conv2d(x, weight, padding = d·(k/2), dilation = d, groups = C)}.
     *
     * @param x {@code (B, C, H, W)}
     * @param weight {@code (C, 1, k, k)}, k odd
     * @param dilation {@code d ≥ 1}
     * @return {@code (B, C, H, W)}, differentiable in {@code x} and {@code weight}
     */
    static NDArray apply(NDArray x, NDArray weight, int dilation) {
        Shape xs = x.getShape();
        Shape ws = weight.getShape();
        long channels = xs.get(1);
        int k = (int) ws.get(2);
        if (xs.dimension() != 4 || ws.dimension() != 4 || ws.get(0) != channels || ws.get(1) != 1
                || ws.get(3) != k || k % 2 == 0 || dilation < 1) {
            throw new IllegalArgumentException("expected x (B, C, H, W), weight (C, 1, k, k) with k odd and"
                    + " dilation >= 1, got x " + xs + ", weight " + ws + ", dilation " + dilation);
        }
        if (dilation == 1) {
            return Conv2d.conv2d(x, weight, null, new Shape(1, 1), new Shape(k / 2, k / 2), new Shape(1, 1),
                    (int) channels).head();
        }
        long b = xs.get(0);
        long h = xs.get(2);
        long w = xs.get(3);
        int d = dilation;
        long m = (h + d - 1) / d; // output rows per phase
        long n = (w + d - 1) / d;
        long rowsIn = m + k - 1; // input rows per phase
        long colsIn = n + k - 1;
        long pad = (long) d * (k / 2);
        // zero padding: pad before, and after up to d · rowsIn (>= pad) so every phase has rowsIn rows
        NDArray padded = x.pad(new Shape(pad, d * colsIn - w - pad, pad, d * rowsIn - h - pad), 0);
        NDArray phases = padded.reshape(b, channels, rowsIn, d, colsIn, d)
                .transpose(0, 3, 5, 1, 2, 4) // (B, r, s, C, rowsIn, colsIn)
                .reshape(b * d * d, channels, rowsIn, colsIn);
        NDArray out = Conv2d.conv2d(phases, weight, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1),
                (int) channels).head(); // (B·d·d, C, m, n)
        NDArray interleaved = out.reshape(b, d, d, channels, m, n)
                .transpose(0, 3, 4, 1, 5, 2) // (B, C, m, r, n, s): row t·d + r, column u·d + s
                .reshape(b, channels, m * d, n * d);
        return m * d == h && n * d == w ? interleaved : interleaved.get(":, :, :" + h + ", :" + w);
    }
}
