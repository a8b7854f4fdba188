package dev.cluda.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.cluda.loss.MultiResolutionReference.Quirks;
import dev.cluda.loss.PixelContrastiveLoss.PairSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class MultiResolutionContrastiveLossTest {

    /** As in PixelContrastiveLossTest: f0 = (1,0), f1 = (0,1), f2 = (−1,0), f3 = (0.6,0.8), labels {0, 0, 1, 255}. */
    private static final double[][] FOUR = {{1, 0}, {0, 1}, {-1, 0}, {0.6, 0.8}};
    private static final int[] FOUR_LABELS = {0, 0, 1, 255};
    /** The single-resolution value of FOUR (PixelContrastiveLossTest): (log(1 + e^−1) + log 2) / 3. */
    private static final double FOUR_SINGLE = 0.33546962;

    private static final int B = 2;
    private static final int G = 4;
    private static final int D = 3;
    private static final int N = B * G * G;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    static Stream<Quirks> everyQuirkCombination() {
        List<Quirks> all = new ArrayList<>();
        for (int bits = 0; bits < 8; bits++) {
            all.add(new Quirks((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0));
        }
        return all.stream();
    }

    private static MultiResolutionContrastiveLoss.Builder loss(Quirks q) {
        return MultiResolutionContrastiveLoss.builder().optCropIndicatorExcludesRoad(q.cropIndicatorExcludesRoad())
                .optOutOfCropHrFeaturesCount(q.outOfCropHrFeaturesCount())
                .optLrHrDiagonalExcluded(q.lrHrDiagonalExcluded());
    }

    /** Random tiny inputs: B = 2, D = 3, G = 4, road/sidewalk/building/person/car/255, a crop in each image. */
    private static final class Case {
        final double[][] f;
        final double[][] g;
        final int[] y = new int[N];
        final boolean[] crop = new boolean[N];
        final double[] w = new double[N];
        final double[] pi = new double[N];
        final int[] dom = new int[N];

        Case(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            f = randomUnit(random, N, D);
            g = randomUnit(random, N, D);
            int[] classes = {0, 1, 2, 11, 13, 255};
            for (int i = 0; i < N; i++) {
                int image = i / (G * G);
                int row = (i / G) % G;
                int col = i % G;
                // A 2×3 crop at (1, 1) in image 0 and a 2×2 crop at (0, 0) in image 1.
                crop[i] = image == 0 ? row >= 1 && row <= 2 && col >= 1 : row <= 1 && col <= 1;
                if (!crop[i]) {
                    Arrays.fill(g[i], 0);
                }
                y[i] = classes[random.nextInt(classes.length)];
                w[i] = 0.05 + 0.9 * random.nextDouble();
                pi[i] = random.nextDouble();
                dom[i] = random.nextInt(2);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("everyQuirkCombination")
    void compute_randomCases_matchReferenceLoop(Quirks quirks) {
        for (int trial = 0; trial < 8; trial++) {
            Case c = new Case(100 + trial);
            PairSet pairSet = PairSet.values()[trial % 3];
            boolean separate = trial % 2 == 0;
            boolean weighted = trial < 4;
            double tau = trial % 4 < 2 ? 1.0 : 0.25; // exact in float, as τ is stored
            double[] pi = weighted ? c.pi : null;
            double expected = MultiResolutionReference.loss(c.f, c.g, c.y, c.crop, c.w, pi, c.dom, pairSet, separate,
                    tau, quirks);
            MultiResolutionContrastiveLoss cl = loss(quirks).optPairSet(pairSet).optStuffThingSeparation(separate)
                    .optTemperature((float) tau).build();
            double actual = compute(cl, c, pi, DataType.FLOAT64).getDouble();
            assertEquals(expected, actual, 1e-9, "trial " + trial + " " + quirks);
            assertTrue(expected != 0, "the case exercises the loss");
            // FLOAT32 inputs are computed in FLOAT32.
            assertEquals(expected, compute(cl, c, pi, DataType.FLOAT32).getFloat(), 1e-5, "float32 " + trial);
        }
    }

    @ParameterizedTest
    @MethodSource("everyQuirkCombination")
    void compute_gradients_matchCentralDifferencesOfReference(Quirks quirks) {
        Case c = new Case(7);
        double tau = 0.5;
        MultiResolutionContrastiveLoss cl = loss(quirks).optTemperature((float) tau).build();
        NDArray lr = features(c.f, DataType.FLOAT64);
        NDArray hr = features(c.g, DataType.FLOAT64);
        NDArray w = manager.create(c.w, new Shape(B, G, G));
        lr.setRequiresGradient(true);
        hr.setRequiresGradient(true);
        w.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(cl.compute(lr, hr, ints(c.y), crop(c.crop), w, manager.create(c.pi, new Shape(B, G, G)),
                    null, null));
        }
        double h = 1e-6;
        double[] lrGrad = lr.getGradient().toDoubleArray();
        double[] hrGrad = hr.getGradient().toDoubleArray();
        double[] wGrad = w.getGradient().toDoubleArray();
        for (int k = 0; k < lrGrad.length; k++) {
            int pixel = pixelOf(k);
            int d = depthOf(k);
            double[][] up = copy(c.f);
            double[][] down = copy(c.f);
            up[pixel][d] += h;
            down[pixel][d] -= h;
            double numeric = (reference(c, up, c.g, c.w, tau, quirks) - reference(c, down, c.g, c.w, tau, quirks))
                    / (2 * h);
            assertEquals(numeric, lrGrad[k], 1e-7, "lr element " + k);
        }
        for (int k = 0; k < hrGrad.length; k++) {
            int pixel = pixelOf(k);
            int d = depthOf(k);
            double[][] up = copy(c.g);
            double[][] down = copy(c.g);
            up[pixel][d] += h;
            down[pixel][d] -= h;
            double numeric = (reference(c, c.f, up, c.w, tau, quirks) - reference(c, c.f, down, c.w, tau, quirks))
                    / (2 * h);
            assertEquals(numeric, hrGrad[k], 1e-7, "hr element " + k);
        }
        for (int i = 0; i < N; i++) {
            double[] up = c.w.clone();
            double[] down = c.w.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (reference(c, c.f, c.g, up, tau, quirks) - reference(c, c.f, c.g, down, tau, quirks))
                    / (2 * h);
            assertEquals(numeric, wGrad[i], 1e-7, "weight " + i);
        }
        // §5.4: out-of-crop canvas pixels receive gradient only when their zero features count.
        double outOfCrop = 0;
        for (int k = 0; k < hrGrad.length; k++) {
            if (!c.crop[pixelOf(k)]) {
                outOfCrop += Math.abs(hrGrad[k]);
            }
        }
        assertEquals(quirks.outOfCropHrFeaturesCount(), outOfCrop > 0, "out-of-crop HR gradient " + outOfCrop);
    }

    @ParameterizedTest
    @MethodSource("everyQuirkCombination")
    void compute_weightOneInsideFullCrop_isHalfTheSingleResolutionLoss(Quirks quirks) {
        // a_ij = 1 everywhere (no road with the road quirk, §5.4): only the LR–LR term is left, with weight 1/(2N).
        Case c = new Case(21);
        int[] y = c.y.clone();
        if (quirks.cropIndicatorExcludesRoad()) {
            for (int i = 0; i < N; i++) {
                y[i] = y[i] == 0 ? 1 : y[i];
            }
        }
        boolean[] all = new boolean[N];
        Arrays.fill(all, true);
        double[] ones = new double[N];
        Arrays.fill(ones, 1);
        NDArray piArray = manager.create(c.pi, new Shape(B, G, G));
        double multi = loss(quirks).build().compute(features(c.f, DataType.FLOAT64), features(c.g, DataType.FLOAT64),
                ints(y), crop(all), manager.create(ones, new Shape(B, G, G)), piArray, null, null).getDouble();
        double single = PixelContrastiveLoss.builder().build().compute(features(c.f, DataType.FLOAT64), ints(y),
                piArray, null, null).getDouble();
        assertEquals(0.5 * single, multi, 1e-12);

        // The four-pixel hand case of the single-resolution loss, halved.
        double four = loss(quirks).build().compute(four(FOUR), four(FOUR), fourInts(FOUR_LABELS), fourGrid(1, 1, 1, 1),
                fourGrid(1, 1, 1, 1), null, null, null).getDouble();
        // With the road quirk the road anchors 0 and 1 move to the LR–HR term (g = f): the same unless
        // their own-location HR feature is kept (see compute_roadQuirk_movesRoadAnchorsToTheLrHrTerm).
        boolean moved = quirks.cropIndicatorExcludesRoad() && !quirks.lrHrDiagonalExcluded();
        assertEquals(moved ? 0.12054988 : 0.5 * FOUR_SINGLE, four, 1e-8);
    }

    @Test
    void compute_weightZero_leavesOnlyTheLrHrTerm() {
        // g = f, crop everywhere. Own-location HR kept (default): anchor 0 has P^H = {0, 1}, N^H = {2}
        // with t00 = 1, t01 = 0, t02 = −1; anchor 1: t10 = 0, t11 = 1, t12 = 0; anchor 2 (no LR
        // positive) has P^H = {2}, N^H = {0, 1}: t22 = 1, t20 = −1, t21 = 0. So
        // L = (1/6)[(log(e + e^−1) − 1 + log(1 + e^−1))/2 + (log 2 + log(e + 1) − 1)/2 + log(e + e^−1 + 1) − 1].
        NDArray zeros = fourGrid(0, 0, 0, 0);
        NDArray full = fourGrid(1, 1, 1, 1);
        double kept = MultiResolutionContrastiveLoss.builder().build()
                .compute(four(FOUR), four(FOUR), fourInts(FOUR_LABELS), full, zeros, null, null, null).getDouble();
        assertEquals(0.18848421, kept, 1e-8);
        // With the released diagonal exclusion and t = s, the LR–HR term is the single-resolution loss: L = ½ L_SR.
        double excluded = MultiResolutionContrastiveLoss.builder().optLrHrDiagonalExcluded(true).build()
                .compute(four(FOUR), four(FOUR), fourInts(FOUR_LABELS), full, zeros, null, null, null).getDouble();
        assertEquals(0.5 * FOUR_SINGLE, excluded, 1e-8);
    }

    @Test
    void compute_roadQuirk_movesRoadAnchorsToTheLrHrTerm() {
        // w ≡ 1, crop everywhere, g = f: with the released m_i = [label ≠ 0] the road anchors 0 and 1
        // get a = 0 (pure LR–HR, as in the w ≡ 0 case), anchor 2 keeps a = 1 and has no LR positive:
        // L = (1/6)[(log(e + e^−1) − 1 + log(1 + e^−1))/2 + (log 2 + log(e + 1) − 1)/2].
        NDArray full = fourGrid(1, 1, 1, 1);
        double released = MultiResolutionContrastiveLoss.builder().optCropIndicatorExcludesRoad(true).build()
                .compute(four(FOUR), four(FOUR), fourInts(FOUR_LABELS), full, full, null, null, null).getDouble();
        assertEquals(0.12054988, released, 1e-8);
        double cropMask = MultiResolutionContrastiveLoss.builder().build()
                .compute(four(FOUR), four(FOUR), fourInts(FOUR_LABELS), full, full, null, null, null).getDouble();
        assertEquals(0.5 * FOUR_SINGLE, cropMask, 1e-8);
    }

    @Test
    void compute_emptyCrop_dependsOnWhetherZeroCanvasCounts() {
        // m ≡ 0 gives a = 0: everything is on the LR–HR term, whose canvas is all zero.
        NDArray none = fourGrid(0, 0, 0, 0);
        NDArray hr = four(new double[][] {{0, 0}, {0, 0}, {0, 0}, {0, 0}});
        NDArray w = manager.create(new double[] {0.3, 0.9, 0.5, 0.7}, new Shape(1, 2, 2));
        // Zero canvas excluded (default): no HR feature exists, so nothing is left: exactly 0.
        for (boolean diagonalExcluded : new boolean[] {false, true}) {
            double value = MultiResolutionContrastiveLoss.builder().optLrHrDiagonalExcluded(diagonalExcluded).build()
                    .compute(four(FOUR), hr, fourInts(FOUR_LABELS), none, w, null, null, null).getDouble();
            assertEquals(0.0, value, 0.0);
        }
        // Released: t ≡ 0, so ℓ^LH = −log(1 + |N^H(i)|). Anchors 0 and 1 (one positive, one negative):
        // log 2 each; anchor 2 has no positive: L = 2 log 2 / 6.
        MultiResolutionContrastiveLoss.Builder counted = MultiResolutionContrastiveLoss.builder()
                .optOutOfCropHrFeaturesCount(true);
        double diagonalOut = counted.optLrHrDiagonalExcluded(true).build()
                .compute(four(FOUR), hr, fourInts(FOUR_LABELS), none, w, null, null, null).getDouble();
        assertEquals(Math.log(2) / 3, diagonalOut, 1e-12);
        // Own location kept: anchors 0 and 1 have P^H = {0, 1}, both log 2; anchor 2 has P^H = {2},
        // N^H = {0, 1}: log 3. L = (2 log 2 + log 3) / 6.
        double diagonalIn = counted.optLrHrDiagonalExcluded(false).build()
                .compute(four(FOUR), hr, fourInts(FOUR_LABELS), none, w, null, null, null).getDouble();
        assertEquals((2 * Math.log(2) + Math.log(3)) / 6, diagonalIn, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("everyQuirkCombination")
    void compute_allIgnored_isExactlyZeroWithZeroGradients(Quirks quirks) {
        Case c = new Case(3);
        int[] ignored = new int[N];
        Arrays.fill(ignored, 255);
        NDArray lr = features(c.f, DataType.FLOAT32);
        NDArray hr = features(c.g, DataType.FLOAT32);
        NDArray w = manager.create(c.w, new Shape(B, G, G)).toType(DataType.FLOAT32, false);
        lr.setRequiresGradient(true);
        hr.setRequiresGradient(true);
        w.setRequiresGradient(true);
        float value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss(quirks).build().compute(lr, hr, ints(ignored), crop(c.crop), w, null, null, null);
            value = l.getFloat();
            collector.backward(l);
        }
        assertEquals(0f, value);
        for (NDArray x : new NDArray[] {lr, hr, w}) {
            for (float v : x.getGradient().toFloatArray()) {
                assertEquals(0f, v);
            }
        }
    }

    @Test
    void compute_anchorCap_isSeededAndEqualsReferenceOnKeptPixels() {
        Case c = new Case(5);
        Quirks defaults = new Quirks(false, false, false);
        MultiResolutionContrastiveLoss capped = loss(defaults).optMaxAnchorsPerClass(2).build();
        double first = compute(capped, c, c.pi, DataType.FLOAT64, new SplittableRandom(42)).getDouble();
        double again = compute(capped, c, c.pi, DataType.FLOAT64, new SplittableRandom(42)).getDouble();
        assertEquals(first, again, 0.0);
        // The same draw as the single-resolution loss: the dropped pixels take part in neither term.
        AnchorSet kept = AnchorSet.select(c.y, null, PairSet.ALL, true, 2, new SplittableRandom(42));
        int[] relabelled = new int[N];
        Arrays.fill(relabelled, 255);
        for (long i : kept.indices()) {
            relabelled[(int) i] = c.y[(int) i];
        }
        assertEquals(MultiResolutionReference.loss(c.f, c.g, relabelled, c.crop, c.w, c.pi, null, PairSet.ALL, true,
                1.0, defaults), first, 1e-9);
    }

    @Test
    void build_and_compute_rejectCallerMistakes() {
        assertThrows(IllegalArgumentException.class, () -> MultiResolutionContrastiveLoss.builder().optTemperature(0f).build());
        assertThrows(IllegalArgumentException.class,
                () -> MultiResolutionContrastiveLoss.builder().optMaxAnchorsPerClass(-1).build());
        MultiResolutionContrastiveLoss cl = MultiResolutionContrastiveLoss.builder().build();
        NDArray f = four(FOUR);
        NDArray y = fourInts(FOUR_LABELS);
        NDArray full = fourGrid(1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class,
                () -> cl.compute(f, f, y, fourGrid(1, 0.5, 1, 1), full, null, null, null), "crop mask not 0/1");
        assertThrows(IllegalArgumentException.class,
                () -> cl.compute(f, f.reshape(1, 2, 4, 1), y, full, full, null, null, null), "hr shape");
        assertThrows(IllegalArgumentException.class,
                () -> cl.compute(f, f, y, full, manager.ones(new Shape(1, 4)), null, null, null), "weight shape");
        assertThrows(IllegalArgumentException.class,
                () -> MultiResolutionContrastiveLoss.builder().optPairSet(PairSet.SAME_DOMAIN).build()
                        .compute(f, f, y, full, full, null, null, null), "no domains");
        assertThrows(IllegalArgumentException.class,
                () -> MultiResolutionContrastiveLoss.builder().optMaxAnchorsPerClass(1).build()
                        .compute(f, f, y, full, full, null, null, null), "no random");
        MultiResolutionContrastiveLoss released = MultiResolutionContrastiveLoss.builder().releasedQuirks().build();
        assertTrue(released.cropIndicatorExcludesRoad() && released.outOfCropHrFeaturesCount()
                && released.lrHrDiagonalExcluded());
        assertTrue(!cl.cropIndicatorExcludesRoad() && !cl.outOfCropHrFeaturesCount() && !cl.lrHrDiagonalExcluded());
    }

    private NDArray compute(MultiResolutionContrastiveLoss cl, Case c, double[] pi, DataType type) {
        return compute(cl, c, pi, type, null);
    }

    private NDArray compute(MultiResolutionContrastiveLoss cl, Case c, double[] pi, DataType type,
                            SplittableRandom random) {
        NDArray piArray = pi == null ? null : manager.create(pi, new Shape(B, G, G)).toType(type, false);
        return cl.compute(features(c.f, type), features(c.g, type), ints(c.y), crop(c.crop),
                manager.create(c.w, new Shape(B, G, G)).toType(type, false), piArray, ints(c.dom), random);
    }

    private static double reference(Case c, double[][] f, double[][] g, double[] w, double tau, Quirks quirks) {
        return MultiResolutionReference.loss(f, g, c.y, c.crop, w, c.pi, null, PairSet.ALL, true, tau, quirks);
    }

    /** Flat pixel (image, row, column) of element k of a (B, D, G, G) array. */
    private static int pixelOf(int k) {
        int hw = G * G;
        return (k / (D * hw)) * hw + k % hw;
    }

    private static int depthOf(int k) {
        return (k / (G * G)) % D;
    }

    private NDArray ints(int[] values) {
        return manager.create(values, new Shape(B, G, G));
    }

    private NDArray crop(boolean[] crop) {
        float[] values = new float[crop.length];
        for (int i = 0; i < crop.length; i++) {
            values[i] = crop[i] ? 1f : 0f;
        }
        return manager.create(values, new Shape(B, G, G));
    }

    private NDArray four(double[][] perPixel) {
        return features(perPixel, 1, 2, DataType.FLOAT64);
    }

    private NDArray fourInts(int... values) {
        return manager.create(values, new Shape(1, 2, 2));
    }

    private NDArray fourGrid(double... values) {
        return manager.create(values, new Shape(1, 2, 2));
    }

    private NDArray features(double[][] perPixel, DataType type) {
        return features(perPixel, B, G, type);
    }

    /** Features given per pixel in flat order (image, row, column), laid out as (B, D, G, G). */
    private NDArray features(double[][] perPixel, int b, int g, DataType type) {
        int depth = perPixel[0].length;
        int hw = g * g;
        double[] data = new double[b * depth * hw];
        for (int i = 0; i < perPixel.length; i++) {
            int image = i / hw;
            int pixel = i % hw;
            for (int d = 0; d < depth; d++) {
                data[(image * depth + d) * hw + pixel] = perPixel[i][d];
            }
        }
        return manager.create(data, new Shape(b, depth, g, g)).toType(type, false);
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    private static double[][] randomUnit(SplittableRandom random, int n, int depth) {
        double[][] f = new double[n][depth];
        for (double[] row : f) {
            double norm = 0;
            for (int d = 0; d < depth; d++) {
                row[d] = random.nextDouble() * 2 - 1;
                norm += row[d] * row[d];
            }
            for (int d = 0; d < depth; d++) {
                row[d] /= Math.sqrt(norm);
            }
        }
        return f;
    }
}
