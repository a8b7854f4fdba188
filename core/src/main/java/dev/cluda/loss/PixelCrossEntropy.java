package dev.cluda.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cluda.data.LabelMap;
import dev.cluda.ndarray.Scalars;

/**
 * Pixel-wise cross-entropy with ignore label 255 and optional per-pixel weights, summed and
 * divided by all B·H·W pixels: ignored pixels add 0 but stay in the denominator (reference §2.6,
 * mmseg {@code reduction='mean'} over the weighted per-pixel loss).
 *
 * <p>{@code loss = -(1 / (B·H·W)) Σ_{b,h,w} [y ≠ 255] · weight · log softmax(logits)[y]}.
 * The logits must already be resized to the label size. All work stays on the logits' device
 * and is differentiable with respect to the logits.
 */
public final class PixelCrossEntropy {

    private PixelCrossEntropy() {
    }

    /** Unweighted form: every non-ignored pixel has weight 1. See {@link #compute(NDArray, NDArray, NDArray)}. */
    public static NDArray compute(NDArray logits, NDArray labels) {
        return compute(logits, labels, null);
    }

    /**
     * The weighted pixel cross-entropy (reference §2.6).
     *
     * @param logits  {@code (B, K, H, W)} floating point class scores at label size
     * @param labels  {@code (B, H, W)} integer train ids in {@code 0..K-1}, or 255 to ignore
     * @param weights {@code (B, H, W)} per-pixel weights, or {@code null} for all ones
     * @return a scalar, attached to the logits' manager
     * @throws IllegalArgumentException if shapes disagree or a label is neither a class nor 255
     */
    public static NDArray compute(NDArray logits, NDArray labels, NDArray weights) {
        Shape ls = logits.getShape();
        if (ls.dimension() != 4) {
            throw new IllegalArgumentException("logits must be (B, K, H, W), got " + ls);
        }
        Shape expected = new Shape(ls.get(0), ls.get(2), ls.get(3));
        if (!labels.getShape().equals(expected)) {
            throw new IllegalArgumentException("labels must be " + expected + " to match logits " + ls
                    + ", got " + labels.getShape() + "; resize the logits to the label size first");
        }
        if (weights != null && !weights.getShape().equals(expected)) {
            throw new IllegalArgumentException("weights must be " + expected + " like the labels, got "
                    + weights.getShape());
        }
        int numClasses = Math.toIntExact(ls.get(1));
        NDManager parent = logits.getManager();
        try (NDManager sub = parent.newSubManager(logits.getDevice())) {
            logits.tempAttach(sub);
            labels.tempAttach(sub);
            if (weights != null) {
                weights.tempAttach(sub);
            }
            NDArray ids = labels.toType(DataType.INT64, false);
            NDArray valid = ids.neq(LabelMap.IGNORE);
            boolean outOfRange = ids.lt(0).logicalOr(ids.gte(numClasses)).logicalAnd(valid).any().getBoolean();
            if (outOfRange) {
                throw new IllegalArgumentException("labels must be in 0.." + (numClasses - 1)
                        + " or " + LabelMap.IGNORE + " (ignore); found another value");
            }
            NDArray safeIds = ids.mul(valid.toType(DataType.INT64, false));
            NDArray picked = logits.logSoftmax(1).gather(safeIds.expandDims(1), 1).squeeze(1);
            NDArray pixelWeight = valid.toType(logits.getDataType(), false);
            if (weights != null) {
                pixelWeight = pixelWeight.mul(weights.toType(logits.getDataType(), false));
            }
            NDArray loss = Scalars.div(picked.mul(pixelWeight).sum().neg(), labels.getShape().size());
            loss.attach(parent);
            return loss;
        }
    }
}
