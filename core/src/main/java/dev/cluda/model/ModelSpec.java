package dev.cluda.model;

/**
 * What segmentation network to build (reference §6.1, §6.2, §6.3, §13).
 *
 * @param encoder SegFormer encoder name {@code mit_b0} … {@code mit_b5}
 * @param embedWidth the DAFormer per-level embedding width C_e (512 in CLUDA, 256 in DAFormer)
 * @param fusedWidth the fused feature width F (256), also every ASPP branch's width
 * @param numClasses number of classes K (19 for Cityscapes)
 * @param dropPathRate stochastic depth of the last encoder block, in [0, 1) (0.1)
 * @param scaleAttention whether the model has HRDA's scale-attention head (K sigmoid channels, §6.3)
 * @param attentionEmbedWidth embedding and fused width of the scale-attention and feature-weight heads
 *     (256 at paper scale, §6.3, §5.4); must be ≥ 1 even when both heads are off
 * @param featureWeightHead whether the model has CLUDA's learned per-pixel contrastive weight head
 *     (one sigmoid channel, §5.4)
 */
public record ModelSpec(String encoder, int embedWidth, int fusedWidth, int numClasses, double dropPathRate,
        boolean scaleAttention, int attentionEmbedWidth, boolean featureWeightHead) {

    /** The attention embed width of HRDA and CLUDA (reference §6.3, §5.4). */
    public static final int DEFAULT_ATTENTION_EMBED_WIDTH = 256;

    /** Validates every field; the message names the bad field and what is accepted. */
    public ModelSpec {
        if (encoder == null) {
            throw new IllegalArgumentException("encoder is missing; accepted: " + MitVariant.acceptedIds());
        }
        MitVariant.fromId(encoder);
        if (embedWidth < 1) {
            throw new IllegalArgumentException("embedWidth must be >= 1, got " + embedWidth);
        }
        if (fusedWidth < 1) {
            throw new IllegalArgumentException("fusedWidth must be >= 1, got " + fusedWidth);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        if (!(dropPathRate >= 0 && dropPathRate < 1)) {
            throw new IllegalArgumentException("dropPathRate must be in [0, 1), got " + dropPathRate);
        }
        if (attentionEmbedWidth < 1) {
            throw new IllegalArgumentException("attentionEmbedWidth must be >= 1, got " + attentionEmbedWidth
                    + "; HRDA uses " + DEFAULT_ATTENTION_EMBED_WIDTH);
        }
    }

    /** A single-resolution network (no scale-attention or feature-weight head), as before HRDA. */
    public ModelSpec(String encoder, int embedWidth, int fusedWidth, int numClasses, double dropPathRate) {
        this(encoder, embedWidth, fusedWidth, numClasses, dropPathRate, false, DEFAULT_ATTENTION_EMBED_WIDTH, false);
    }

    /** The paper-scale CLUDA network: MiT-B5, C_e 512, F 256, drop path 0.1 (reference §5.1, §13). */
    public static ModelSpec paperScale(int numClasses) {
        return new ModelSpec("mit_b5", 512, 256, numClasses, 0.1);
    }

    /** A small network for synthetic data and tests: MiT-B0, C_e 128, F 128, drop path 0.1. */
    public static ModelSpec small(int numClasses) {
        return new ModelSpec("mit_b0", 128, 128, numClasses, 0.1);
    }

    /**
     * This spec with the multi-resolution heads set (reference §6.3, §5.4); the other fields unchanged.
     */
    public ModelSpec withMultiResolutionHeads(
            boolean scaleAttention, int attentionEmbedWidth, boolean featureWeightHead) {
        return new ModelSpec(encoder, embedWidth, fusedWidth, numClasses, dropPathRate,
                scaleAttention, attentionEmbedWidth, featureWeightHead);
    }

    /** The encoder variant named by {@link #encoder()}. */
    public MitVariant variant() {
        return MitVariant.fromId(encoder);
    }
}
