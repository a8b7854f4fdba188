package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Whole-input multi-resolution prediction, as HRDA pseudo-labels and tests (reference §6.3): the LR branch
 * on the input resized by {@code scale}, the HR branch as a {@link SlidingWindow} average over the
 * full-resolution input, the scale attention from the LR pass, fused unmasked by {@link HrdaFusion}.
 *
 * <p>Evaluation at 2048×1024 (reference §9) wraps this in an outer {@link SlidingWindow} of 1024 windows,
 * stride 512, {@code outputStride} 4, with {@code predict} as the forward function.
 */
public final class HrdaInference {

    private HrdaInference() {}

    /**
     * {@link #predict(SegmentationModel, ParameterStore, NDArray, double, int, int, HrdaFusion.Order, boolean)}
     * in inference mode ({@code training=false}: BatchNorm running statistics), e.g. for evaluation.
     */
    public static NDArray predict(SegmentationModel model, ParameterStore ps, NDArray image, double scale,
            int window, int stride, HrdaFusion.Order order) {
        return predict(model, ps, image, scale, window, stride, order, false);
    }

    /**
     * Predicts fused logits for a whole input.
     *
     * @param model a model whose spec has {@link ModelSpec#scaleAttention()}
     * @param image {@code (B, 3, H, W)}; {@code H·scale} and {@code W·scale} must be integer multiples of 4,
     *     and H, W multiples of 4 (with {@code window} and {@code stride}) for the HR sliding window
     * @param scale the LR scale (0.5)
     * @param window HR sliding-window side in pixels (512 at paper scale, {@code hrda.inference.window})
     * @param stride HR sliding-window stride (256)
     * @param order the fusion order
     * @param training the BatchNorm mode: true for batch statistics, as the released teacher pseudo-labels
     *     (reference §13; turn dropout off with {@link SegmentationModel#setDropoutEnabled})
     * @return fused logits {@code (B, K, H/4, W/4)} in {@code image}'s manager
     */
    public static NDArray predict(SegmentationModel model, ParameterStore ps, NDArray image, double scale,
            int window, int stride, HrdaFusion.Order order, boolean training) {
        if (model.getScaleAttentionHead() == null) {
            throw new IllegalArgumentException("HRDA inference needs a model with a scale-attention head; "
                    + "build it from a spec with scaleAttention=true");
        }
        Shape s = image.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("image must be (B, 3, H, W), got " + s);
        }
        long lrH = lrSize(s.get(2), scale);
        long lrW = lrSize(s.get(3), scale);
        int k = model.getSpec().numClasses();
        NDManager parent = image.getManager();
        try (NDManager sub = parent.newSubManager(image.getDevice())) {
            NDArray lrImage = Bilinear.resize(image, lrH, lrW, false);
            if (lrImage != image) {
                lrImage.attach(sub);
            }
            SegmentationModel.Output lr = model.forwardAll(ps, lrImage, training);
            NDArray lrLogits = lr.logits();
            lrLogits.attach(sub);
            NDArray attention = model.scaleAttention(ps, lr.encoderFeatures(), training);
            attention.attach(sub);
            NDArray hr = SlidingWindow.average(image, window, stride, HrdaFusion.OUTPUT_STRIDE, k,
                    crop -> model.forwardAll(ps, crop, training).logits());
            hr.attach(sub);
            NDArray fused = HrdaFusion.fuseUnmasked(lrLogits, hr, attention, scale, order);
            fused.attach(parent);
            return fused;
        }
    }

    private static long lrSize(long size, double scale) {
        double lr = size * scale;
        long r = Math.round(lr);
        if (Math.abs(lr - r) > 1e-9 || r % HrdaFusion.OUTPUT_STRIDE != 0 || size % HrdaFusion.OUTPUT_STRIDE != 0) {
            throw new IllegalArgumentException("input size " + size + " at scale " + scale + " gives " + lr
                    + "; both must be multiples of " + HrdaFusion.OUTPUT_STRIDE
                    + " so the LR and HR logits share the stride-4 grid");
        }
        return r;
    }
}
