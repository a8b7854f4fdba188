package dev.cluda.model;

/**
 * What segmentation network to build (reference §6.1, §6.2, §13).
 *
 * @param encoder SegFormer encoder name {@code mit_b0} … {@code mit_b5}
 * @param embedWidth the DAFormer per-level embedding width C_e (512 in CLUDA, 256 in DAFormer)
 * @param fusedWidth the fused feature width F (256), also every ASPP branch's width
 * @param numClasses number of classes K (19 for Cityscapes)
 * @param dropPathRate stochastic depth of the last encoder block, in [0, 1) (0.1)
 */
public record ModelSpec(String encoder, int embedWidth, int fusedWidth, int numClasses, double dropPathRate) {

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
    }

    /** The paper-scale CLUDA network: MiT-B5, C_e 512, F 256, drop path 0.1 (reference §5.1, §13). */
    public static ModelSpec paperScale(int numClasses) {
        return new ModelSpec("mit_b5", 512, 256, numClasses, 0.1);
    }

    /** A small network for synthetic data and tests: MiT-B0, C_e 128, F 128, drop path 0.1. */
    public static ModelSpec small(int numClasses) {
        return new ModelSpec("mit_b0", 128, 128, numClasses, 0.1);
    }

    /** The encoder variant named by {@link #encoder()}. */
    public MitVariant variant() {
        return MitVariant.fromId(encoder);
    }
}
