package dev.cluda.config;

import dev.cluda.transform.BlockMask;

/**
 * {@code mic.*}: masked image consistency (Hoyer et al. 2023) as one more term of the iteration: the
 * student on block-masked target crops, trained on the teacher's pseudo-labels of the unmasked crops.
 *
 * @param enabled whether the masked pass runs (needs self-training)
 * @param maskRatio probability that a mask cell is masked (MIC: 0.7)
 * @param blockSize mask cell side in pixels (MIC: 64 at 512 crops)
 * @param lambda weight of the masked cross-entropy (MIC: 1)
 * @param contrastive whether the mixed contrastive loss is also applied to the masked pass's fused
 *     features against the pseudo-labels (a combination no published system has)
 */
public record MicConfig(boolean enabled, double maskRatio, int blockSize, double lambda, boolean contrastive) {

    static MicConfig from(Settings s) {
        return new MicConfig(s.flag("mic.enabled"), s.number("mic.maskRatio", 0, 1),
                s.integer("mic.blockSize", 1, 4096), s.number("mic.lambda", 0, 1e6), s.flag("mic.contrastive"));
    }

    /** The mask generator of these settings. */
    public BlockMask mask() {
        return new BlockMask(blockSize, maskRatio);
    }
}
