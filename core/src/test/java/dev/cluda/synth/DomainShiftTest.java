package dev.cluda.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.RgbImage;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's purpose in numbers: a per-pixel nearest-class-mean colour classifier fitted on
 * the source is perfect on the source, as good on a target rendered at strength 0, clearly worse
 * at strength 1, while one fitted on the target itself recovers most of the loss (class identity
 * stays in the target pixels). A segmentation network also sees shape and context, so it does
 * better than this colour-only probe on both.
 */
class DomainShiftTest {

    private static final long SEED = 21;
    private static final int W = 128;
    private static final int H = 64;
    private static final int IMAGES = 12;

    @Test
    void nearestMean_sourceFitted_losesAccuracyOnlyUnderTheStyleShift() {
        double[][] sourceMeans = fit(SynthSplit.SOURCE, 0.0);
        double onSource = accuracy(sourceMeans, SynthSplit.SOURCE, 0.0);
        double onFlatTarget = accuracy(sourceMeans, SynthSplit.TARGET_VAL, 0.0);
        double onHalfTarget = accuracy(sourceMeans, SynthSplit.TARGET_VAL, 0.5);
        double onTarget = accuracy(sourceMeans, SynthSplit.TARGET_VAL, 1.0);
        double targetOracle = accuracy(fit(SynthSplit.TARGET_TRAIN, 1.0), SynthSplit.TARGET_VAL, 1.0);

        assertEquals(1.0, onSource, 0.001);
        assertEquals(1.0, onFlatTarget, 0.001);
        assertTrue(onHalfTarget < onFlatTarget && onTarget < onHalfTarget,
                "accuracy must fall with the style strength: " + onHalfTarget + ", " + onTarget);
        assertTrue(onTarget < 0.75, "full shift leaves source-fitted accuracy at " + onTarget);
        assertTrue(onTarget > 0.3, "full shift must stay bridgeable, source-fitted accuracy " + onTarget);
        assertTrue(targetOracle > onTarget + 0.15, "target-fitted " + targetOracle + " vs " + onTarget);
    }

    private static RgbImage render(Scene scene, SynthSplit split, int index, double strength) {
        return split.isTarget()
                ? SceneRenderer.renderTarget(scene, strength, SEED, split, index)
                : SceneRenderer.renderSource(scene, SEED, index);
    }

    private static double[][] fit(SynthSplit split, double strength) {
        double[][] means = new double[CityscapesClass.COUNT][4];
        for (int i = 0; i < IMAGES; i++) {
            Scene scene = SyntheticScenes.generate(SEED, split, i, W, H);
            RgbImage image = render(scene, split, i, strength);
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double[] m = means[scene.labels().get(x, y)];
                    for (int ch = 0; ch < 3; ch++) {
                        m[ch] += image.get(x, y, ch);
                    }
                    m[3]++;
                }
            }
        }
        for (double[] m : means) {
            for (int ch = 0; ch < 3 && m[3] > 0; ch++) {
                m[ch] /= m[3];
            }
        }
        return means;
    }

    private static double accuracy(double[][] means, SynthSplit split, double strength) {
        long correct = 0;
        for (int i = 0; i < IMAGES; i++) {
            Scene scene = SyntheticScenes.generate(SEED, split, 100 + i, W, H);
            RgbImage image = render(scene, split, 100 + i, strength);
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int best = -1;
                    double bestDistance = Double.MAX_VALUE;
                    for (int c = 0; c < means.length; c++) {
                        if (means[c][3] == 0) {
                            continue;
                        }
                        double d = 0;
                        for (int ch = 0; ch < 3; ch++) {
                            double e = image.get(x, y, ch) - means[c][ch];
                            d += e * e;
                        }
                        if (d < bestDistance) {
                            bestDistance = d;
                            best = c;
                        }
                    }
                    correct += best == scene.labels().get(x, y) ? 1 : 0;
                }
            }
        }
        return correct / (double) (IMAGES * W * H);
    }
}
