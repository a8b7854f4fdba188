package dev.cluda.jobs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import dev.cluda.eval.SegmentationEvaluator;
import java.io.IOException;
import java.util.function.Function;

/**
 * The one place a {@link CheckpointInference} job runs its network on an image, on an executor:
 * whole-image inference (reference §9, {@link SegmentationEvaluator#withLogits}) with the model the
 * partition leased from {@link ExecutorModels}. Every job reads its output through
 * {@link #withLogits}, so another inference scheme (a sliding window, say) changes only this class.
 * One per partition; not for sharing between threads.
 */
final class ImageInference {

    private final ExecutorModels.Lease lease;
    private final NDManager manager;
    private final SegmentationEvaluator evaluator;

    /**
     * @param inferenceSize {width, height} of inference, or null for each image's own size
     * @param multiResolution HRDA's sliding-window inference, or null for whole-image inference
     */
    ImageInference(ExecutorModels.Lease lease, NDManager manager, int[] inferenceSize,
                   SegmentationEvaluator.MultiResolution multiResolution) {
        this.lease = lease;
        this.manager = manager;
        this.evaluator = new SegmentationEvaluator(inferenceSize, multiResolution);
    }

    /**
     * Runs the model on {@code image} under its forward lock and hands the logits, upsampled to
     * the image's size {@code (1, K, H, W)}, to {@code readout}; they are freed afterwards.
     */
    <T> T withLogits(RgbImage image, Function<NDArray, T> readout) throws IOException {
        return lease.infer(model -> evaluator.withLogits(model, manager, image, readout));
    }

    /** The train-id prediction at the image's size, as the evaluator predicts. */
    LabelMap predict(RgbImage image) throws IOException {
        return withLogits(image, full -> SegmentationEvaluator.argMax(full, image.width(), image.height()));
    }

    /** The pseudo-label and confidence at the image's size, as {@link ImageLabeler} labels. */
    PseudoLabel label(RgbImage image) throws IOException {
        return withLogits(image, full -> ImageLabeler.fromLogits(full, image.width(), image.height()));
    }
}
