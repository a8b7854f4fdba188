package dev.cluda.jobs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cluda.data.RgbImage;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.model.SegmentationModel;

/**
 * Whole-image pseudo-labelling: the inference of {@link dev.cluda.eval.SegmentationEvaluator}
 * (reference §9: resize to the inference size, ImageNet normalisation, logits bilinearly upsampled
 * to the image size with align_corners = False) that also keeps the softmax (reference §2.2).
 * The train id is the arg-max of the upsampled logits, exactly the evaluator's prediction; the
 * confidence is the maximum of their softmax over classes.
 *
 * <p>The network runs in inference mode: BatchNorm uses its running statistics. Online training
 * pseudo-labels with batch statistics by default ({@code uda.teacherBatchStats}); a precomputed
 * label must not depend on which images share a batch, so this class does not.
 *
 * <p>Not to be confused with {@link dev.cluda.uda.PseudoLabeler}, which turns a training batch's
 * teacher logits into labels and a thresholded confidence weight (reference §2.2).
 */
final class ImageLabeler {

    private final SegmentationEvaluator inference;

    /** @param size {width, height} of inference, multiples of 32, or null to run at the image's own size */
    public ImageLabeler(int[] size) {
        if (size != null && (size.length != 2 || size[0] <= 0 || size[1] <= 0)) {
            throw new IllegalArgumentException("inference size must be [width, height] in positive multiples of 32");
        }
        this.inference = new SegmentationEvaluator(size);
    }

    /**
     * Labels one image with the evaluator's inference (so labels equal its predictions) and keeps the
     * max softmax probability per pixel; temporaries live in a sub-manager of {@code manager}.
     *
     * @throws IllegalArgumentException if the inference size is not a multiple of 32
     */
    public PseudoLabel label(SegmentationModel model, NDManager manager, RgbImage image) {
        return inference.withLogits(model, manager, image, full -> fromLogits(full, image.width(), image.height()));
    }

    /** The pseudo-label of logits already upsampled to the image's size {@code (1, K, H, W)}. */
    static PseudoLabel fromLogits(NDArray full, int width, int height) {
        return new PseudoLabel(SegmentationEvaluator.argMax(full, width, height),
                full.softmax(1).max(new int[] {1}).toType(DataType.FLOAT32, false).toFloatArray());
    }
}
