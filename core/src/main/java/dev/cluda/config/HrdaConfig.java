package dev.cluda.config;

import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.model.HrdaFusion;

import dev.cluda.transform.MultiResolutionCrop;
import dev.cluda.uda.EntropyCrop;
import dev.cluda.uda.RcsCropRule;
import java.util.List;
import java.util.Locale;

/**
 * {@code hrda.*} and {@code contrastive.multiResolution.*}: HRDA's multi-resolution training and
 * inference (reference §6.3, §9) and CLUDA's multi-resolution contrastive choices (§5.4, §13).
 * Value ranges are checked always; the checks against the training crop only when
 * {@code hrda.enabled}, so single-resolution experiments with small crops need not touch them.
 *
 * @param enabled                  HRDA's LR context + HR detail training and sliding-window inference
 * @param scale                    LR scale of the context crop, in (0, 1]
 * @param detailCrop               HR detail crop inside the training (context) crop
 * @param cropDivisor              detail-box coordinates are multiples of it
 * @param hrLossWeight             weight of the HR cross-entropy on the detail crop's label
 * @param lrLossWeight             weight of a cross-entropy on the LR output alone
 * @param fusionOrder              where (1 − a) multiplies the LR output (§6.3 minor conflict)
 * @param attentionEmbedWidth      per-level embedding of the scale-attention head
 * @param inferenceWindow          HR sliding window of inference (pseudo-labels and test)
 * @param inferenceStride          its stride
 * @param evalWindow               outer sliding window of evaluation on full images (§9)
 * @param evalStride               its stride
 * @param entropyCrop              place the mixed images' detail crop by entropy (§5.7)
 * @param entropyCropStartIteration entropy placement for iterations t > this
 * @param entropyCropStride        stride of the entropy windows (the window is {@code detailCrop})
 * @param rcsMinCropRatio          RCS re-crop threshold ratio with HRDA's larger crops (§3)
 * @param contrast                 the multi-resolution contrastive switches
 */
public record HrdaConfig(boolean enabled, double scale, Size detailCrop, int cropDivisor, double hrLossWeight,
                         double lrLossWeight, FusionOrder fusionOrder, int attentionEmbedWidth,
                         Size inferenceWindow, Size inferenceStride, Size evalWindow, Size evalStride,
                         boolean entropyCrop, long entropyCropStartIteration, Size entropyCropStride,
                         double rcsMinCropRatio, MultiResolutionContrast contrast) {

    /** The encoder's output stride (§6.1): the finest feature map is 1/4 of its input. */
    static final int ENCODER_STRIDE = 4;

    /** A width and height in pixels, read from a {@code [width, height]} key. */
    public record Size(int width, int height) {
    }

    /** Where HRDA's fusion {@code a·HR + (1 − a)·LR} applies {@code (1 − a)} (§6.3). */
    public enum FusionOrder {
        /** CLUDA: upsample the LR output and the attention, then multiply (as released by CLUDA). */
        CLUDA,
        /** HRDA: multiply {@code (1 − a)} at LR resolution, then upsample the product. */
        HRDA
    }

    /**
     * CLUDA's multi-resolution contrastive loss (§5.4). Each quirk switch is false for the paper's
     * intent; true reproduces the released code.
     *
     * @param cropIndicatorExcludesRoad  released: m_i = (cropped HR label ≠ 0), so road inside the crop gets m = 0
     * @param outOfCropHrFeaturesCount   released: the zero HR features outside the crop enter the LR–HR
     *                                   denominators (e^0 each) and positives (t = 0)
     * @param lrHrDiagonalExcluded       released: an LR anchor is never paired with the HR feature at its
     *                                   own pixel
     * @param featureWeightHead          CLUDA's learned weight w (LR–LR weight w, LR–HR 1 − w, §13); false
     *                                   replaces it by the constant 0.5
     */
    public record MultiResolutionContrast(boolean cropIndicatorExcludesRoad, boolean outOfCropHrFeaturesCount,
                                          boolean lrHrDiagonalExcluded, boolean featureWeightHead) {
    }

    static HrdaConfig from(Settings s) {
        boolean enabled = s.flag("hrda.enabled");
        double scale = s.number("hrda.scale", 0, 1);
        if (!(scale > 0)) {
            throw s.error("hrda.scale", "must be in (0, 1], got " + scale);
        }
        Size detail = size(s, "hrda.detailCrop");
        int divisor = s.integer("hrda.cropDivisor", 1, 4096);
        if (divisor % ENCODER_STRIDE != 0) {
            throw s.error("hrda.cropDivisor", "must be a multiple of the encoder's output stride "
                    + ENCODER_STRIDE + ", got " + divisor);
        }
        double hr = s.number("hrda.hrLossWeight", 0, 1);
        double lr = s.number("hrda.lrLossWeight", 0, 1);
        if (hr + lr > 1) {
            throw s.error("hrda.hrLossWeight", "plus hrda.lrLossWeight must be at most 1 (the fused output gets "
                    + "1 - their sum), got " + hr + " + " + lr);
        }
        FusionOrder order = FusionOrder.valueOf(s.choice("hrda.fusionOrder", List.of("cluda", "hrda"))
                .toUpperCase(Locale.ROOT));
        int attention = s.integer("hrda.attentionEmbedWidth", 1, 8192);
        Size inferenceWindow = size(s, "hrda.inference.window");
        Size inferenceStride = stride(s, "hrda.inference.stride", inferenceWindow);
        Size evalWindow = size(s, "hrda.eval.window");
        Size evalStride = stride(s, "hrda.eval.stride", evalWindow);
        boolean entropy = s.flag("hrda.entropyCrop.enabled");
        long entropyStart = s.longValue("hrda.entropyCrop.startIteration", 0);
        Size entropyStride = size(s, "hrda.entropyCrop.stride");
        double rcsRatio = s.number("hrda.rcsMinCropRatio", 0, 1e6);
        MultiResolutionContrast contrast = new MultiResolutionContrast(
                s.flag("contrastive.multiResolution.cropIndicatorExcludesRoad"),
                s.flag("contrastive.multiResolution.outOfCropHrFeaturesCount"),
                s.flag("contrastive.multiResolution.lrHrDiagonalExcluded"),
                s.flag("contrastive.multiResolution.featureWeightHead"));
        HrdaConfig c = new HrdaConfig(enabled, scale, detail, divisor, hr, lr, order, attention, inferenceWindow,
                inferenceStride, evalWindow, evalStride, entropy, entropyStart, entropyStride, rcsRatio, contrast);
        if (enabled) {
            c.checkAgainstTrainingCrop(s, s.integer("train.cropWidth", 1, Integer.MAX_VALUE),
                    s.integer("train.cropHeight", 1, Integer.MAX_VALUE));
        }
        return c;
    }

    /** The rules that tie the HRDA keys to the training (context) crop. */
    private void checkAgainstTrainingCrop(Settings s, int cropWidth, int cropHeight) {
        if (detailCrop.width() > cropWidth || detailCrop.height() > cropHeight) {
            throw s.error("hrda.detailCrop", "must fit in the training crop train.cropWidth x train.cropHeight = "
                    + cropWidth + "x" + cropHeight + ", got " + detailCrop.width() + "x" + detailCrop.height());
        }
        // the detail box is located on the LR feature map by dividing by 4 / scale (HRDA scale_box)
        double lrFeatureStride = ENCODER_STRIDE / scale;
        if (!whole(cropDivisor / lrFeatureStride)) {
            throw s.error("hrda.cropDivisor", "must be a multiple of the LR feature stride 4 / hrda.scale = "
                    + lrFeatureStride + ", so the detail box lands on whole LR feature cells, got " + cropDivisor);
        }
        if (detailCrop.width() % cropDivisor != 0 || detailCrop.height() % cropDivisor != 0) {
            throw s.error("hrda.detailCrop", "must be multiples of hrda.cropDivisor = " + cropDivisor + ", got "
                    + detailCrop.width() + "x" + detailCrop.height());
        }
        if (!exact(cropWidth * scale) || !exact(cropHeight * scale)) {
            throw s.error("hrda.scale", "times the training crop " + cropWidth + "x" + cropHeight
                    + " must give whole LR sizes (torch and the resize sample alike only then), got " + scale);
        }
        if (!exact(evalWindow.width() * scale) || !exact(evalWindow.height() * scale)) {
            throw s.error("hrda.eval.window", "times hrda.scale = " + scale + " must give whole LR sizes, got "
                    + evalWindow.width() + "x" + evalWindow.height());
        }
        if (entropyCropStride.width() % cropDivisor != 0 || entropyCropStride.height() % cropDivisor != 0) {
            throw s.error("hrda.entropyCrop.stride", "must be multiples of hrda.cropDivisor = " + cropDivisor
                    + ", got " + entropyCropStride.width() + "x" + entropyCropStride.height());
        }
    }

    /** The weight of the cross-entropy on the fused output: {@code 1 − hr − lr} (HRDA {@code hrda_head.py::losses}). */
    public double fusedLossWeight() {
        return 1 - hrLossWeight - lrLossWeight;
    }

    /** Whether iteration {@code t} (0-based) places the mixed images' detail crop by entropy (§5.7: t > 12000). */
    public boolean entropyCropAt(long iteration) {
        return enabled && entropyCrop && iteration > entropyCropStartIteration;
    }

    /**
     * How a model of this configuration is evaluated and pseudo-labelled offline: HRDA's sliding
     * windows (reference §9, §6.3), or null when HRDA is off (whole-image inference).
     */
    public SegmentationEvaluator.MultiResolution inference() {
        if (!enabled) {
            return null;
        }
        return new SegmentationEvaluator.MultiResolution(evalWindow.width(), evalStride.width(), scale,
                inferenceWindow.width(), inferenceStride.width(),
                fusionOrder == FusionOrder.HRDA ? HrdaFusion.Order.HRDA : HrdaFusion.Order.CLUDA);
    }

    /** The random detail crop for this configuration. */
    public MultiResolutionCrop multiResolutionCrop() {
        return new MultiResolutionCrop(scale, detailCrop.width(), detailCrop.height(), cropDivisor);
    }

    /** The entropy crop for context crops of {@code contextWidth x contextHeight}. */
    public EntropyCrop entropyCrop(int contextWidth, int contextHeight) {
        return new EntropyCrop(contextWidth, contextHeight, detailCrop.width(), detailCrop.height(),
                entropyCropStride.width(), entropyCropStride.height(), cropDivisor);
    }

    /**
     * The RCS re-crop rule (§3): with HRDA, {@code uda.rcs.minPixels · hrda.rcsMinCropRatio} (2.0 for
     * 1024 crops); without, {@code uda.rcs.minPixels · uda.rcs.minCropRatio} (0.5 for 512 crops).
     * Both re-crop at most 10 times (DAF {@code uda_dataset.py}).
     */
    public RcsCropRule rcsCropRule(UdaConfig uda) {
        return new RcsCropRule(uda.rcsMinPixels(), enabled ? rcsMinCropRatio : uda.rcsMinCropRatio(), 10);
    }

    private static boolean whole(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-9;
    }

    /** Whole with no tolerance: torch sizes the LR image as {@code floor(size · scale)} in double. */
    private static boolean exact(double v) {
        return v == Math.floor(v);
    }

    private static Size size(Settings s, String key) {
        List<Integer> v = s.integers(key);
        if (v.size() != 2 || v.get(0) <= 0 || v.get(1) <= 0) {
            throw s.error(key, "must be [width, height] of positive integers, got " + v);
        }
        return new Size(v.get(0), v.get(1));
    }

    private static Size stride(Settings s, String key, Size window) {
        Size stride = size(s, key);
        if (stride.width() > window.width() || stride.height() > window.height()) {
            throw s.error(key, "must not exceed its window " + window.width() + "x" + window.height()
                    + " (a gap would leave pixels unpredicted), got " + stride.width() + "x" + stride.height());
        }
        return stride;
    }
}
