package dev.cluda.model;

/**
 * Floating-point operations of the network's forward pass, counted from the architecture: every
 * convolution, linear layer and attention product as 2 × multiply-accumulates (the convention of
 * PyTorch's profiler and of GEMM rates); normalisation, activations, resizing and element-wise
 * ops are left out (they are memory-bound and small). Feature maps are at strides 4, 8, 16, 32.
 */
public final class FlopCount {

    private static final int[] STRIDES = {4, 8, 16, 32};
    private static final int[] HEADS_SR = {8, 4, 2, 1};
    private static final int MLP_RATIO = 4;
    /** DAFormer's ASPP dilations after the 1×1 branch (reference §6.2): three separable 3×3 branches. */
    private static final int SEPARABLE_BRANCHES = 3;

    private FlopCount() {
    }

    /** One image of {@code width} × {@code height} through {@code spec}'s encoder and heads. */
    public static long forward(ModelSpec spec, int width, int height) {
        MitVariant v = MitVariant.fromId(spec.encoder());
        int[] dims = {v.dim(0), v.dim(1), v.dim(2), v.dim(3)};
        long flops = encoder(v, width, height)
                + head(dims, spec.embedWidth(), spec.fusedWidth(), spec.numClasses(), true, width, height);
        if (spec.scaleAttention()) {
            flops += head(dims, spec.attentionEmbedWidth(), spec.attentionEmbedWidth(), spec.numClasses(), false,
                    width, height);
        }
        if (spec.featureWeightHead()) {
            flops += head(dims, spec.attentionEmbedWidth(), spec.attentionEmbedWidth(), 1, false, width, height);
        }
        return flops;
    }

    /** The MiT encoder {@code encoder} ({@code mit_b0} … {@code mit_b5}) alone: what the feature distance's frozen model runs. */
    public static long encoder(String encoder, int width, int height) {
        return encoder(MitVariant.fromId(encoder), width, height);
    }

    static long encoder(MitVariant v, int width, int height) {
        long flops = 0;
        int h = height;
        int w = width;
        int in = 3;
        for (int stage = 0; stage < 4; stage++) {
            int k = stage == 0 ? 7 : 3;
            int s = stage == 0 ? 4 : 2;
            int pad = k / 2;
            h = (h + 2 * pad - k) / s + 1;
            w = (w + 2 * pad - k) / s + 1;
            int c = v.dim(stage);
            flops += conv(h, w, in, c, k);
            for (int b = 0; b < v.depth(stage); b++) {
                flops += block(c, HEADS_SR[stage], h, w);
            }
            in = c;
        }
        return flops;
    }

    /**
     * One MiT block on an {@code h} × {@code w} map of {@code c} channels with spatial reduction
     * {@code sr}: q, the reduction conv, kv, q·kᵀ, attention·v, the projection, and the Mix-FFN
     * (C→4C, 3×3 depthwise, 4C→C).
     */
    static long block(int c, int sr, int h, int w) {
        long n = (long) h * w;
        long reduced = sr > 1 ? (long) (h / sr) * (w / sr) : n;
        long flops = linear(n, c, c);                      // q
        if (sr > 1) {
            flops += conv(h / sr, w / sr, c, c, sr);       // spatial reduction, kernel = stride = sr
        }
        flops += linear(reduced, c, 2L * c);               // kv
        flops += 2 * 2 * n * reduced * c;                  // q·kᵀ and attention·v, summed over heads
        flops += linear(n, c, c);                          // proj
        long hidden = (long) MLP_RATIO * c;
        flops += linear(n, c, hidden) + 2 * n * hidden * 9 + linear(n, hidden, c);
        return flops;
    }

    /**
     * A DAFormer head on encoder maps of widths {@code dims}: 1×1 embeddings per level, the fusion
     * at stride 4 (ASPP of reference §6.2, or the 1×1 fusion of the HRDA/CLUDA side heads), the classifier.
     */
    static long head(int[] dims, int embed, int fused, int classes, boolean aspp, int width, int height) {
        long flops = 0;
        for (int i = 0; i < 4; i++) {
            long pixels = (long) ceilDiv(height, STRIDES[i]) * ceilDiv(width, STRIDES[i]);
            flops += linear(pixels, dims[i], embed);
        }
        long p = (long) ceilDiv(height, 4) * ceilDiv(width, 4);
        long in = 4L * embed;
        if (aspp) {
            flops += linear(p, in, fused);                                             // 1×1 branch
            flops += SEPARABLE_BRANCHES * (2 * p * in * 9 + linear(p, in, fused));     // depthwise + pointwise
            flops += 2 * p * (4L * fused) * fused * 9;                                 // 3×3 bottleneck
        } else {
            flops += linear(p, in, fused);
        }
        return flops + linear(p, fused, classes);
    }

    private static long linear(long rows, long in, long out) {
        return 2 * rows * in * out;
    }

    private static long conv(int outH, int outW, int in, int out, int k) {
        return 2L * outH * outW * in * out * k * k;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
