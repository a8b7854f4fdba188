package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * The segmentation network: a {@link MixTransformer} encoder and a {@link DaformerHead} decoder
 * (reference §6.1, §6.2). Input {@code (B, 3, H, W)}; {@link #forward} returns
 * {@code (logits (B, K, H/4, W/4), fused feature (B, F, H/4, W/4))}.
 *
 * <p>Parameter names start with the child names {@code 01encoder_} and {@code 02head_}: every head
 * parameter has {@code head} in its name (lr ×10, reference §7), every encoder LayerNorm has {@code norm}
 * (no weight decay), the head's BatchNorms are named {@code bn}; no encoder name contains {@code head}.
 *
 * <p>With {@link ModelSpec#scaleAttention()} or {@link ModelSpec#featureWeightHead()} the model has, after
 * those two children, {@code scale_attention_head} and/or {@code feature_weight_head}: DAFormer heads
 * with a 1×1-conv fusion and embed and fused width {@link ModelSpec#attentionEmbedWidth()} (reference §6.3,
 * §5.4). Their names contain {@code head} (lr ×10 like HRDA's decode head); with both options off the
 * parameters are exactly those of a single-resolution model of the same seed.
 */
public final class SegmentationModel extends AbstractBlock {

    private final ModelSpec spec;
    private final long seed;
    private final MixTransformer encoder;
    private final DaformerHead head;
    private final DaformerHead attention;
    private final DaformerHead featureWeight;

    private SegmentationModel(ModelSpec spec, long seed) {
        this.spec = spec;
        this.seed = seed;
        SplittableRandom root = new SplittableRandom(seed);
        MitVariant variant = spec.variant();
        encoder = addChildBlock("encoder", MixTransformer.builder()
                .setVariant(variant)
                .optDropPathRate(spec.dropPathRate())
                .optSeed(root.nextLong())
                .build());
        head = addChildBlock("head", DaformerHead.builder()
                .setInChannels(variant.dims())
                .setNumClasses(spec.numClasses())
                .optEmbedWidth(spec.embedWidth())
                .optFusedWidth(spec.fusedWidth())
                .optSeed(root.nextLong())
                .build());
        // drawn after the existing seeds, whether used or not, so old specs and each head's init stay fixed
        long attentionSeed = root.nextLong();
        long featureWeightSeed = root.nextLong();
        attention = spec.scaleAttention()
                ? addChildBlock("scale_attention_head", auxiliaryHead(
                        variant.dims(), spec.numClasses(), spec.attentionEmbedWidth(), attentionSeed))
                : null;
        featureWeight = spec.featureWeightHead()
                ? addChildBlock("feature_weight_head", auxiliaryHead(
                        variant.dims(), 1, spec.attentionEmbedWidth(), featureWeightSeed))
                : null;
    }

    /**
     * A scale-attention or feature-weight head: DAFormer head, 1×1-conv fusion, embed and fused width
     * {@code width}, {@code channels} outputs (reference §6.3: HRDA's {@code attention_embed_dim}).
     */
    static DaformerHead auxiliaryHead(int[] encoderDims, int channels, int width, long seed) {
        return DaformerHead.builder()
                .setInChannels(encoderDims)
                .setNumClasses(channels)
                .optEmbedWidth(width)
                .optFusedWidth(width)
                .optFusion(DaformerHead.Fusion.CONV1X1)
                .optSeed(seed)
                .build();
    }

    /**
     * An uninitialized model; weights are drawn from {@code seed} when it is initialized, so two models
     * made from the same spec and seed are identical.
     */
    public static SegmentationModel create(ModelSpec spec, long seed) {
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        return new SegmentationModel(spec, seed);
    }

    /**
     * Creates and initializes a model for inputs of {@code (batch, 3, height, width)}; parameter shapes do
     * not depend on the input size, so a small one (32×32) is enough.
     */
    public static SegmentationModel createInitialized(ModelSpec spec, long seed, NDManager manager) {
        SegmentationModel model = create(spec, seed);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        return model;
    }

    /**
     * An identical copy (same structure, every parameter value copied, BatchNorm running statistics
     * included) whose arrays live in {@code manager}, e.g. the EMA teacher (reference §2.1).
     * Call it outside a {@code GradientCollector}.
     */
    public SegmentationModel copy(NDManager manager) {
        if (!isInitialized()) {
            throw new IllegalStateException("initialize the model before copying it");
        }
        SegmentationModel copy = create(spec, seed);
        copy.initialize(manager, DataType.FLOAT32, getInputShapes());
        ModelParameters.copyValues(this, copy);
        return copy;
    }

    /**
     * Re-seeds stochastic depth and Dropout2d; the trainer calls it at the start of every
     * iteration with a seed derived from (seed, rank, iteration), so resumed runs are exact.
     */
    public void reseedDropout(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        encoder.randomDrop().reseed(root.nextLong());
        head.randomDrop().reseed(root.nextLong());
        long attentionSeed = root.nextLong();
        long featureWeightSeed = root.nextLong();
        if (attention != null) {
            attention.randomDrop().reseed(attentionSeed);
        }
        if (featureWeight != null) {
            featureWeight.randomDrop().reseed(featureWeightSeed);
        }
    }

    /**
     * Turns stochastic depth and Dropout2d on or off while {@code training} keeps BatchNorm on
     * batch statistics: the EMA teacher pseudo-labels this way (reference §2.1).
     */
    public void setDropoutEnabled(boolean enabled) {
        encoder.randomDrop().setEnabled(enabled);
        head.randomDrop().setEnabled(enabled);
        if (attention != null) {
            attention.randomDrop().setEnabled(enabled);
        }
        if (featureWeight != null) {
            featureWeight.randomDrop().setEnabled(enabled);
        }
    }

    public ModelSpec getSpec() {
        return spec;
    }

    public MixTransformer getEncoder() {
        return encoder;
    }

    public DaformerHead getHead() {
        return head;
    }

    /** The scale-attention head, or null when {@link ModelSpec#scaleAttention()} is off. */
    public DaformerHead getScaleAttentionHead() {
        return attention;
    }

    /** The feature-weight head, or null when {@link ModelSpec#featureWeightHead()} is off. */
    public DaformerHead getFeatureWeightHead() {
        return featureWeight;
    }

    /**
     * HRDA's scale attention from the (LR) encoder maps (reference §6.3): sigmoid of the attention head.
     *
     * @param encoderFeatures the four encoder maps of {@link Output#encoderFeatures()}
     * @return {@code (B, K, H/4, W/4)} in (0, 1)
     * @throws IllegalStateException if the spec has no scale-attention head
     */
    public NDArray scaleAttention(ParameterStore ps, NDList encoderFeatures, boolean training) {
        if (attention == null) {
            throw new IllegalStateException("this model has no scale-attention head; build it from a spec with "
                    + "scaleAttention=true (ModelSpec.withMultiResolutionHeads)");
        }
        return Activation.sigmoid(attention.decode(ps, encoderFeatures, training).get(0));
    }

    /**
     * CLUDA's learned per-pixel contrastive weight w from the (LR) encoder maps (reference §5.4): sigmoid
     * of the one-channel feature-weight head.
     *
     * @param encoderFeatures the four encoder maps of {@link Output#encoderFeatures()}
     * @return {@code (B, 1, H/4, W/4)} in (0, 1)
     * @throws IllegalStateException if the spec has no feature-weight head
     */
    public NDArray featureWeight(ParameterStore ps, NDList encoderFeatures, boolean training) {
        if (featureWeight == null) {
            throw new IllegalStateException("this model has no feature-weight head; build it from a spec with "
                    + "featureWeightHead=true (ModelSpec.withMultiResolutionHeads)");
        }
        return Activation.sigmoid(featureWeight.decode(ps, encoderFeatures, training).get(0));
    }

    /**
     * Encoder and decoder in one pass, keeping the encoder maps (for the feature distance, reference §4).
     *
     * @param image {@code (B, 3, H, W)}
     * @return logits {@code (B, K, H/4, W/4)}, fused feature {@code (B, F, H/4, W/4)}, and the four
     *     encoder maps {@code (B, C_i, H/s_i, W/s_i)}
     */
    public Output forwardAll(ParameterStore ps, NDArray image, boolean training) {
        NDList features = encoder.features(ps, image, training);
        NDList out = head.decode(ps, features, training);
        return new Output(out.get(0), out.get(1), features);
    }

    /**
     * Only the encoder's last-stage map {@code (B, C_4, H/32, W/32)}, e.g. of the frozen ImageNet model for
     * the feature distance (reference §4).
     */
    public NDArray lastStageFeature(ParameterStore ps, NDArray image, boolean training) {
        return encoder.features(ps, image, training).get(3);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return head.decode(ps, encoder.features(ps, inputs.singletonOrThrow(), training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(encoder.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        Shape[] features = encoder.getOutputShapes(inputShapes);
        head.initialize(manager, dataType, features);
        if (attention != null) {
            attention.initialize(manager, dataType, features);
        }
        if (featureWeight != null) {
            featureWeight.initialize(manager, dataType, features);
        }
    }

    /**
     * One pass's outputs.
     *
     * @param logits {@code (B, K, H/4, W/4)}
     * @param fused the fused decoder feature {@code (B, F, H/4, W/4)} (reference §5.1)
     * @param encoderFeatures the four encoder maps; {@link #lastStage()} is the one used by §4
     */
    public record Output(NDArray logits, NDArray fused, NDList encoderFeatures) {

        /** The encoder's stride-32 map {@code (B, C_4, H/32, W/32)}. */
        public NDArray lastStage() {
            return encoderFeatures.get(3);
        }
    }
}
