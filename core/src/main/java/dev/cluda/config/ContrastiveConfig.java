package dev.cluda.config;

import dev.cluda.loss.MultiResolutionContrastiveLoss;
import dev.cluda.loss.PixelContrastiveLoss;
import java.util.List;

/** {@code contrastive.*}: CLUDA's pixel contrastive losses (reference §5, §13). */
public record ContrastiveConfig(boolean source, boolean mixed, double sourceWeight, double mixedWeight,
                                long startIteration, int grid,
                                double temperature, boolean stuffThingSeparation, int maxAnchorsPerClass,
                                PixelContrastiveLoss.PairSet mixedPairs, boolean releasedFlattening,
                                boolean confidenceWeights) {

    static ContrastiveConfig from(Settings s) {
        String pairs = s.choice("contrastive.mixedPairs", List.of("all", "same-domain", "source-only"));
        return new ContrastiveConfig(
                s.flag("contrastive.source"),
                s.flag("contrastive.mixed"),
                s.number("contrastive.sourceWeight", 0, 1e6),
                s.number("contrastive.mixedWeight", 0, 1e6),
                s.longValue("contrastive.startIteration", 0),
                s.integer("contrastive.grid", 2, 1024),
                s.number("contrastive.temperature", 1e-4, 1e4),
                s.flag("contrastive.stuffThingSeparation"),
                s.integer("contrastive.maxAnchorsPerClass", 0, Integer.MAX_VALUE),
                switch (pairs) {
                    case "same-domain" -> PixelContrastiveLoss.PairSet.SAME_DOMAIN;
                    case "source-only" -> PixelContrastiveLoss.PairSet.SOURCE_ONLY;
                    default -> PixelContrastiveLoss.PairSet.ALL;
                },
                // released reproduces the §5.4 pairing bug of the released code; consistent is the §13 fix
                s.choice("contrastive.flattening", List.of("consistent", "released")).equals("released"),
                s.flag("contrastive.confidenceWeights"));
    }

    /** The loss on source images: every pair is source-source. */
    public PixelContrastiveLoss sourceLoss() {
        return build(PixelContrastiveLoss.PairSet.ALL);
    }

    /** The loss on mixed images, restricted to {@link #mixedPairs}. */
    public PixelContrastiveLoss mixedLoss() {
        return build(mixedPairs);
    }

    /** The multi-resolution form (§5.4) of the source loss, with the choices of {@code contrastive.multiResolution.*}. */
    public MultiResolutionContrastiveLoss multiResolutionSourceLoss(HrdaConfig.MultiResolutionContrast choices) {
        return buildMulti(PixelContrastiveLoss.PairSet.ALL, choices);
    }

    /** The multi-resolution form (§5.4) of the mixed loss. */
    public MultiResolutionContrastiveLoss multiResolutionMixedLoss(HrdaConfig.MultiResolutionContrast choices) {
        return buildMulti(mixedPairs, choices);
    }

    private MultiResolutionContrastiveLoss buildMulti(PixelContrastiveLoss.PairSet pairs,
                                                      HrdaConfig.MultiResolutionContrast choices) {
        return MultiResolutionContrastiveLoss.builder()
                .optTemperature((float) temperature)
                .optStuffThingSeparation(stuffThingSeparation)
                .optMaxAnchorsPerClass(maxAnchorsPerClass)
                .optPairSet(pairs)
                .optCropIndicatorExcludesRoad(choices.cropIndicatorExcludesRoad())
                .optOutOfCropHrFeaturesCount(choices.outOfCropHrFeaturesCount())
                .optLrHrDiagonalExcluded(choices.lrHrDiagonalExcluded())
                .build();
    }

    private PixelContrastiveLoss build(PixelContrastiveLoss.PairSet pairs) {
        return PixelContrastiveLoss.builder()
                .optTemperature((float) temperature)
                .optStuffThingSeparation(stuffThingSeparation)
                .optMaxAnchorsPerClass(maxAnchorsPerClass)
                .optPairSet(pairs)
                .optReleasedFlattening(releasedFlattening)
                .build();
    }
}
