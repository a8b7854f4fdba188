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
            PseudoLabels result = weigh(maxProb, labels, validity, sub);
            result.labels().attach(parent);
            result.weights().attach(parent);
            return result;
        }
    }

    /**
     * Pseudo-labels computed elsewhere ({@code cluda pseudo-labels}): the same per-image
     * confidence weight (§2.2, §13) from the stored max probabilities.
     *
     * @param maxProbability {@code (B, H, W)} float, the teacher's max softmax probability
     * @param labels {@code (B, H, W)} integer train ids
     * @param validity {@code (B, H, W)} or {@code (H, W)} 1 valid / 0 ignored, or null
     * @return labels (int64) and weights attached to {@code maxProbability}'s manager
     */
    public PseudoLabels fromProbabilities(NDArray maxProbability, NDArray labels, NDArray validity) {
        NDManager parent = maxProbability.getManager();
        try (NDManager sub = parent.newSubManager()) {
            PseudoLabels result = weigh(maxProbability, labels, validity, sub);
            result.labels().attach(parent);
            result.weights().attach(parent);
            return result;
        }
    }

    /** q per image = share of pixels with max probability ≥ threshold, times the validity mask. */
    private PseudoLabels weigh(NDArray maxProb, NDArray labels, NDArray validity, NDManager sub) {
        Shape shape = maxProb.getShape();
        long b = shape.get(0);
        long hw = shape.get(1) * shape.get(2);
        NDArray q = maxProb.gte((float) threshold).toType(DataType.FLOAT32, false).reshape(b, hw).mean(new int[] {1});
        NDArray weights = maxProb.onesLike().toType(DataType.FLOAT32, false).muli(q.reshape(b, 1, 1));
        if (validity != null) {
            // toType on an array of that type returns the same handle: never attach the caller's array
            weights.muli(validity.getDataType() == DataType.FLOAT32 ? validity : validity.toType(DataType.FLOAT32, false));
        }
        float[] confidence = q.toFloatArray();
        double meanMax = maxProb.mean().getFloat();
        // a fresh int64 array (argMax already is one), owned by the caller once attached
        NDArray ids = labels.toType(DataType.INT64, false).duplicate();
        ids.attach(sub);
        return new PseudoLabels(ids, weights, confidence, meanMax);
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
