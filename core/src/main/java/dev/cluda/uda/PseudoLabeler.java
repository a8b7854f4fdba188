package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Pseudo-labels and their confidence weight from teacher logits (reference §2.2, §2.3, §13):
 * p = softmax over classes, label = arg max p, and one weight q per IMAGE (§13 decision): the
 * fraction of that image's pixels with max p ≥ threshold (0.968, {@code >=}), broadcast to the
 * image's pixels and multiplied by the validity mask of the ignored margins. With one image per
 * batch this equals the released per-batch q.
 */
public final class PseudoLabeler {

    /** The reference {@code pseudo_threshold}. */
    public static final double DEFAULT_THRESHOLD = 0.968;

    private final double threshold;

    /** @param threshold max-probability threshold in [0, 1]; a pixel counts if its max p ≥ it */
    public PseudoLabeler(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("pseudo-label threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
    }

    /** A labeler with threshold 0.968. */
    public static PseudoLabeler withDefaultThreshold() {
        return new PseudoLabeler(DEFAULT_THRESHOLD);
    }

    public double threshold() {
        return threshold;
    }

    /**
     * HRDA style: the validity mask was built at full size and cropped with the image.
     *
     * @param teacherLogits {@code (B, K, H, W)}; no gradient is recorded through it
     * @param validity {@code (B, H, W)} or {@code (H, W)}, 1 valid / 0 ignored; null for none
     * @return labels and weights attached to the logits' manager
     */
    public PseudoLabels label(NDArray teacherLogits, NDArray validity) {
        Shape shape = teacherLogits.getShape();
        if (shape.dimension() != 4) {
            throw new IllegalArgumentException("teacher logits must be (B, K, H, W), got " + shape);
        }
        long b = shape.get(0);
        long h = shape.get(2);
        long w = shape.get(3);
        if (validity != null) {
            Shape v = validity.getShape();
            if (!v.equals(new Shape(b, h, w)) && !v.equals(new Shape(h, w))) {
                throw new IllegalArgumentException("validity mask must be (" + b + ", " + h + ", " + w + ") or ("
                        + h + ", " + w + ") to match the logits " + shape + ", got " + v);
            }
        }
        NDManager parent = teacherLogits.getManager();
        try (NDManager sub = parent.newSubManager()) {
            NDArray logits = teacherLogits.stopGradient();
            logits.attach(sub);
            NDArray probs = logits.softmax(1);
            NDArray maxProb = probs.max(new int[] {1});
            NDArray labels = probs.argMax(1);
            NDArray q = maxProb.gte((float) threshold).toType(DataType.FLOAT32, false)
                    .reshape(b, h * w).mean(new int[] {1});
            NDArray weights = maxProb.onesLike().muli(q.reshape(b, 1, 1));
            if (validity != null) {
                if (validity.getDataType() == DataType.FLOAT32) {
                    weights.muli(validity);
                } else {
                    NDArray v = validity.toType(DataType.FLOAT32, false);
                    v.attach(sub);
                    weights.muli(v);
                }
            }
            float[] confidence = q.toFloatArray();
            double meanMax = maxProb.mean().getFloat();
            labels.attach(parent);
            weights.attach(parent);
            return new PseudoLabels(labels, weights, confidence, meanMax);
        }
    }

    /**
     * DAFormer style: the margins are applied to the crop the logits were computed on.
     *
     * @param teacherLogits {@code (B, K, H, W)}
     * @param cropMargins margins in pixels of the H × W crop, e.g. {@link PseudoMargins#daformer()}
     */
    public PseudoLabels label(NDArray teacherLogits, PseudoMargins cropMargins) {
        Shape shape = teacherLogits.getShape();
        if (shape.dimension() != 4) {
            throw new IllegalArgumentException("teacher logits must be (B, K, H, W), got " + shape);
        }
        try (NDArray mask = cropMargins.validityMask(teacherLogits.getManager(),
                Math.toIntExact(shape.get(3)), Math.toIntExact(shape.get(2)))) {
            return label(teacherLogits, mask);
        }
    }
}
