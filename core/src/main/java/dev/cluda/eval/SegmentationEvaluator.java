package dev.cluda.eval;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import dev.cluda.data.Sample;
import dev.cluda.model.Bilinear;
import dev.cluda.model.HrdaFusion;
import dev.cluda.model.HrdaInference;
import dev.cluda.model.SlidingWindow;
import dev.cluda.model.SegmentationModel;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.Resize;
import java.util.function.Function;

/**
 * Whole-image inference and scoring as DAFormer evaluates (reference §9): the image is resized to
 * the inference size, the model runs in inference mode, logits are bilinearly upsampled to the
 * label size (align_corners = False) and the arg-max is compared with the ground truth.
 */
public final class SegmentationEvaluator {

    /** The encoder's output stride: the network runs at sizes that are multiples of it. */
    public static final int STRIDE = 32;

    private final int[] size;
    private final MultiResolution multiResolution;
    private final Normalize normalize = Normalize.imageNet();

    /**
     * HRDA's test-time inference (reference §9, §6.3): the image as a sliding window of
     * {@code window} pixels with {@code stride} (overlapping logits averaged), each window predicted
     * by {@link HrdaInference} (LR whole-window pass fused with the HR sliding window).
     */
    public record MultiResolution(int window, int stride, double scale, int hrWindow, int hrStride,
                                  HrdaFusion.Order order) implements java.io.Serializable {
    }

    /** @param size {width, height} of inference, multiples of 32, or null to run at the image's own size */
    public SegmentationEvaluator(int[] size) {
        this(size, null);
    }

    /**
     * @param size {width, height} of inference, multiples of 32, or null to run at the image's own size
     * @param multiResolution HRDA's sliding-window inference, or null for whole-image inference
     */
    public SegmentationEvaluator(int[] size, MultiResolution multiResolution) {
        if (size != null && (size.length != 2 || size[0] % STRIDE != 0 || size[1] % STRIDE != 0)) {
            throw new IllegalArgumentException("inference size must be [width, height] in multiples of 32");
        }
        this.size = size == null ? null : size.clone();
        this.multiResolution = multiResolution;
    }

    /**
     * Runs the model on one image and hands its logits, bilinearly upsampled to the image's size
     * {@code (1, K, H, W)}, to {@code readout}; every array lives in a sub-manager closed after it.
     */
    public <T> T withLogits(SegmentationModel model, NDManager manager, RgbImage image, Function<NDArray, T> readout) {
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
            ParameterStore ps = new ParameterStore(sub, false);
            NDArray logits = multiResolution == null ? model.forward(ps, new NDList(batch), false).get(0)
                    : SlidingWindow.average(batch, multiResolution.window(), multiResolution.stride(),
                            HrdaFusion.OUTPUT_STRIDE, model.getSpec().numClasses(),
                            window -> HrdaInference.predict(model, ps, window, multiResolution.scale(),
                                    multiResolution.hrWindow(), multiResolution.hrStride(), multiResolution.order()));
            return readout.apply(Bilinear.resize(logits, image.height(), image.width(), false));
        }
    }

    /** The train-id prediction for one image, at the image's size. */
    public LabelMap predict(SegmentationModel model, NDManager manager, RgbImage image) {
        return withLogits(model, manager, image, full -> argMax(full, image.width(), image.height()));
    }

    /** The per-pixel arg-max of {@code (1, K, H, W)} logits as a label map. */
    public static LabelMap argMax(NDArray logits, int width, int height) {
        int[] classes = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
        byte[] ids = new byte[classes.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (byte) classes[i];
        }
        return new LabelMap(width, height, ids);
    }

    /** Adds one labelled sample's prediction to {@code into}. */
    public void accumulate(SegmentationModel model, NDManager manager, Sample sample, ConfusionMatrix into) {
        if (sample.trainIds() == null) {
            throw new IllegalArgumentException(sample.ref().imagePath() + " has no label to evaluate against");
        }
        into.accumulate(sample.trainIds(), predict(model, manager, sample.image()));
    }
}
