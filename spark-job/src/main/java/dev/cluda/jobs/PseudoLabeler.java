package dev.cluda.jobs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import dev.cluda.model.Bilinear;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.HostArrays;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.Resize;

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
 */
public final class PseudoLabeler {

    private static final int STRIDE = 32;

    private final int[] size;
    private final Normalize normalize = Normalize.imageNet();

    /** @param size {width, height} of inference, multiples of 32, or null to run at the image's own size */
    public PseudoLabeler(int[] size) {
        if (size != null && (size.length != 2 || size[0] % STRIDE != 0 || size[1] % STRIDE != 0
                || size[0] <= 0 || size[1] <= 0)) {
            throw new IllegalArgumentException("inference size must be [width, height] in positive multiples of 32");
        }
        this.size = size == null ? null : size.clone();
    }

    /**
     * Labels one image; temporaries live in a sub-manager of {@code manager} closed before returning.
     *
     * @param model the network, whose forward of {@code (1, 3, h, w)} gives logits {@code (1, K, h/4, w/4)}
     * @throws IllegalArgumentException if the inference size is not a multiple of 32
     */
    public PseudoLabel label(SegmentationModel model, NDManager manager, RgbImage image) {
        int w = size == null ? image.width() : size[0];
        int h = size == null ? image.height() : size[1];
        if (w % STRIDE != 0 || h % STRIDE != 0) {
            throw new IllegalArgumentException("image is " + image.width() + "x" + image.height()
                    + ", not a multiple of 32; set eval.size to an inference size that is");
        }
        RgbImage input = (w == image.width() && h == image.height()) ? image : Resize.bilinear(image, w, h);
        FloatImage x = normalize.apply(FloatImage.fromRgb(input));
        try (NDManager sub = manager.newSubManager()) {
            NDArray batch = HostArrays.create(sub, x.data(), new Shape(1, 3, h, w));
            NDArray logits = model.forward(new ParameterStore(sub, false), new NDList(batch), false).get(0);
            NDArray full = Bilinear.resize(logits, image.height(), image.width(), false); // (1, K, H, W)
            int[] classes = full.argMax(1).toType(DataType.INT32, false).toIntArray();
            float[] confidence = full.softmax(1).max(new int[] {1}).toType(DataType.FLOAT32, false).toFloatArray();
            byte[] ids = new byte[classes.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (byte) classes[i];
            }
            return new PseudoLabel(new LabelMap(image.width(), image.height(), ids), confidence);
        }
    }
}
