package dev.cluda.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.cluda.loss.PixelContrastiveLoss.PairSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class PixelContrastiveLossTest {

    /** Four pixels of a 1×2×2 grid, D = 2: f0 = (1,0), f1 = (0,1), f2 = (−1,0), f3 = (0.6,0.8). */
    private static final double[][] FOUR = {{1, 0}, {0, 1}, {-1, 0}, {0.6, 0.8}};
    /**
     * Labels {0, 0, 1, 255}, τ = 1: anchor 0 has P = {1}, N = {2}: ℓ01 = 0 − log(e^0 + e^−1);
     * anchor 1 has P = {0}, N = {2}: ℓ10 = 0 − log(e^0 + e^0); anchor 2 has no positive; pixel 3
     * is ignored. L = (log(1 + e^−1) + log 2) / 3 = (0.31326169 + 0.69314718) / 3.
     */
    private static final double FOUR_LOSS = 0.33546962;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private static PixelContrastiveLoss.Builder loss() {
        return PixelContrastiveLoss.builder();
    }

    @Test
    void compute_fourPixelHandCase_matchesWrittenOutValue() {
        double value = loss().build().compute(features(FOUR, 1, 2, DataType.FLOAT32), grid(1, 2, 0, 0, 1, 255))
                .getFloat();
        assertEquals(FOUR_LOSS, value, 1e-6);
    }

    @Test
    void compute_stuffAndThingNegative_droppedOnlyWithSeparation() {
        NDArray labels = grid(1, 2, 0, 0, 13, 255);
        NDArray f = features(FOUR, 1, 2, DataType.FLOAT32);
        // car (thing) is no negative of road (stuff): N(0) = N(1) = {} so ℓ = s − log e^s = 0.
        assertEquals(0.0, loss().build().compute(f, labels).getFloat(), 1e-7);
        assertEquals(FOUR_LOSS, loss().optStuffThingSeparation(false).build().compute(f, labels).getFloat(), 1e-6);
        // Two thing classes (person, car) stay negatives of each other.
        assertEquals(FOUR_LOSS, loss().build().compute(f, grid(1, 2, 11, 11, 13, 255)).getFloat(), 1e-6);
    }

    @Test
    void compute_ignoredPixel_neverAnchorPositiveOrNegative() {
        double[][] moved = {FOUR[0], FOUR[1], FOUR[2], {-1, 0}};
        PixelContrastiveLoss cl = loss().build();
        double withIgnore = cl.compute(features(moved, 1, 2, DataType.FLOAT32), grid(1, 2, 0, 0, 1, 255)).getFloat();
        assertEquals(FOUR_LOSS, withIgnore, 1e-6);
        double asClassOne = cl.compute(features(moved, 1, 2, DataType.FLOAT32), grid(1, 2, 0, 0, 1, 1)).getFloat();
        assertNotEquals(FOUR_LOSS, asClassOne, 1e-3);
    }

    @Test
    void compute_confidenceWeights_multiplyEachPairByPiProduct() {
        NDArray pi = manager.create(new float[] {1f, 0.5f, 1f, 0.3f}, new Shape(1, 2, 2));
        // ρ01 = ρ10 = 1 · 0.5; no other pair is a positive.
        double value = loss().build().compute(features(FOUR, 1, 2, DataType.FLOAT32), grid(1, 2, 0, 0, 1, 255),
                pi, null, null).getFloat();
        assertEquals(0.5 * FOUR_LOSS, value, 1e-6);
    }

    @Test
    void compute_temperature_dividesSimilarities() {
        // τ = 0.5: s02 = −2, s12 = 0: L = (log(1 + e^−2) + log 2) / 3 = (0.12692801 + 0.69314718) / 3.
        double value = loss().optTemperature(0.5f).build()
                .compute(features(FOUR, 1, 2, DataType.FLOAT32), grid(1, 2, 0, 0, 1, 255)).getFloat();
        assertEquals(0.27335840, value, 1e-6);
    }

    @Test
    void compute_randomCases_matchReferenceLoopForEveryOption() {
        SplittableRandom random = new SplittableRandom(7);
        int[] classes = {0, 1, 2, 11, 13, 255};
        for (int trial = 0; trial < 24; trial++) {
            int b = 2;
            int g = 3;
            int n = b * g * g;
            double[][] f = randomUnit(random, n, 4);
            int[] y = new int[n];
            int[] dom = new int[n];
            double[] pi = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = classes[random.nextInt(classes.length)];
                dom[i] = random.nextInt(2);
                pi[i] = random.nextDouble();
            }
            PairSet pairSet = PairSet.values()[trial % 3];
            boolean separate = (trial / 3) % 2 == 0;
            boolean weighted = (trial / 6) % 2 == 0;
            double tau = trial < 12 ? 1.0 : 0.25;
            double expected = ContrastiveReference.loss(f, y, weighted ? pi : null, dom, pairSet, separate, tau);
            NDArray piArray = weighted ? manager.create(pi, new Shape(b, g, g)) : null;
            double actual = loss().optPairSet(pairSet).optStuffThingSeparation(separate).optTemperature((float) tau)
                    .build()
                    .compute(features(f, b, g, DataType.FLOAT64), manager.create(y, new Shape(b, g, g)), piArray,
                            manager.create(dom, new Shape(b, g, g)), null)
                    .getDouble();
            assertEquals(expected, actual, 1e-9, "trial " + trial + " " + pairSet + " sep=" + separate);
        }
    }

    @Test
    void compute_sourceOnly_equalsAllPairsWithTargetPixelsIgnored() {
        int[] y = {0, 0, 1, 1, 2, 0, 1, 2, 2};
        int[] dom = {0, 1, 0, 0, 1, 0, 0, 1, 0};
        int[] masked = y.clone();
        for (int i = 0; i < y.length; i++) {
            if (dom[i] == PixelContrastiveLoss.TARGET) {
                masked[i] = 255;
            }
        }
        double[][] f = randomUnit(new SplittableRandom(3), 9, 3);
        double sourceOnly = loss().optPairSet(PairSet.SOURCE_ONLY).build().compute(
                features(f, 1, 3, DataType.FLOAT32), grid(1, 3, y), null, grid(1, 3, dom), null).getFloat();
        double allOnMasked = loss().build().compute(features(f, 1, 3, DataType.FLOAT32), grid(1, 3, masked))
                .getFloat();
        assertEquals(allOnMasked, sourceOnly, 1e-6);
        assertTrue(sourceOnly > 0);
    }

    @Test
    void compute_smallTemperature_staysFiniteAndMatchesReference() {
        SplittableRandom random = new SplittableRandom(11);
        double[][] f = randomUnit(random, 16, 3);
        int[] y = {0, 0, 0, 1, 1, 1, 2, 2, 0, 1, 2, 0, 1, 2, 255, 0};
        double expected = ContrastiveReference.loss(f, y, null, null, PairSet.ALL, true, 0.005);
        double actual = loss().optTemperature(0.005f).build()
                .compute(features(f, 1, 4, DataType.FLOAT32), grid(1, 4, y)).getFloat();
        assertTrue(Double.isFinite(actual));
        assertEquals(expected, actual, 1e-4 * Math.abs(expected));
    }

    @Test
    void compute_anchorCap_isSeededAndEqualsLossOnKeptPixels() {
        SplittableRandom random = new SplittableRandom(5);
        int b = 2;
        int g = 4;
        int n = b * g * g;
        double[][] f = randomUnit(random, n, 3);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = new int[] {0, 1, 13, 255}[random.nextInt(4)];
        }
        PixelContrastiveLoss capped = loss().optMaxAnchorsPerClass(3).build();
        NDArray x = features(f, b, g, DataType.FLOAT64);
        NDArray labels = manager.create(y, new Shape(b, g, g));
        double first = capped.compute(x, labels, null, null, new SplittableRandom(42)).getDouble();
        double again = capped.compute(x, labels, null, null, new SplittableRandom(42)).getDouble();
        assertEquals(first, again, 0.0);

        AnchorSet kept = AnchorSet.select(y, null, PairSet.ALL, true, 3, new SplittableRandom(42));
        int[] perClass = new int[256];
        int[] relabelled = new int[n];
        java.util.Arrays.fill(relabelled, 255);
        for (long i : kept.indices()) {
            relabelled[(int) i] = y[(int) i];
            perClass[y[(int) i]]++;
        }
        assertTrue(perClass[0] == 3 && perClass[1] == 3 && perClass[13] == 3 && kept.size() == 9);
        assertEquals(ContrastiveReference.loss(f, relabelled, null, null, PairSet.ALL, true, 1.0), first, 1e-9);

        double uncapped = loss().build().compute(x, labels).getDouble();
        double looseCap = loss().optMaxAnchorsPerClass(n).build().compute(x, labels, null, null,
                new SplittableRandom(1)).getDouble();
        assertEquals(uncapped, looseCap, 0.0);
    }

    @Test
    void compute_emptyCases_giveExactlyZero() {
        NDArray f = features(FOUR, 1, 2, DataType.FLOAT32);
        PixelContrastiveLoss cl = loss().build();
        assertEquals(0f, cl.compute(f, grid(1, 2, 255, 255, 255, 255)).getFloat());
        assertEquals(0f, cl.compute(f, grid(1, 2, 0, 1, 2, 255)).getFloat(), "no positives");
        assertEquals(0f, cl.compute(f, grid(1, 2, 0, 0, 0, 0)).getFloat(), "no negatives");
        assertEquals(0f, loss().optPairSet(PairSet.SOURCE_ONLY).build()
                .compute(f, grid(1, 2, 0, 0, 1, 1), null, grid(1, 2, 1, 1, 1, 1), null).getFloat(), "no source");
    }

    @Test
    void compute_emptyCase_hasZeroGradient() {
        NDArray f = features(FOUR, 1, 2, DataType.FLOAT32);
        f.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss().build().compute(f, grid(1, 2, 255, 255, 255, 255));
            collector.backward(value);
        }
        for (float v : f.getGradient().toFloatArray()) {
            assertEquals(0f, v);
        }
    }

    @Test
    void compute_gradient_matchesCentralDifferences() {
        SplittableRandom random = new SplittableRandom(13);
        int g = 3;
        int n = g * g;
        double[][] f = randomUnit(random, n, 3);
        int[] y = {0, 0, 13, 1, 13, 255, 0, 1, 11};
        double[] pi = {1, 0.9, 0.8, 0.5, 1, 0.2, 0.7, 1, 0.6};
        PixelContrastiveLoss cl = loss().optTemperature(0.5f).build();
        NDArray labels = grid(1, g, y);
        NDArray piArray = manager.create(pi, new Shape(1, g, g));

        NDArray x = features(f, 1, g, DataType.FLOAT64);
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(cl.compute(x, labels, piArray, null, null));
        }
        double[] analytic = x.getGradient().toDoubleArray();
        double[] base = x.toDoubleArray();
        double h = 1e-6;
        for (int k = 0; k < base.length; k++) {
            double[] plus = base.clone();
            double[] minus = base.clone();
            plus[k] += h;
            minus[k] -= h;
            double up = cl.compute(manager.create(plus, x.getShape()), labels, piArray, null, null).getDouble();
            double down = cl.compute(manager.create(minus, x.getShape()), labels, piArray, null, null).getDouble();
            assertEquals((up - down) / (2 * h), analytic[k], 1e-7, "element " + k);
        }
        // The ignored pixel (flat index 5) gets no gradient.
        for (int d = 0; d < 3; d++) {
            assertEquals(0.0, analytic[d * n + 5], 0.0);
        }
    }

    @Test
    void l2NormalizePerPixel_unitNormsAndZeroVectorStaysFinite() {
        NDArray x = manager.create(new float[] {3f, 0f, 4f, 0f}, new Shape(1, 2, 1, 2));
        x.setRequiresGradient(true);
        NDArray normalized;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            normalized = PixelContrastiveLoss.l2NormalizePerPixel(x);
            collector.backward(normalized.sum());
        }
        float[] values = normalized.toFloatArray();
        assertEquals(0.6f, values[0], 1e-6f);
        assertEquals(0f, values[1]);
        assertEquals(0.8f, values[2], 1e-6f);
        assertEquals(0f, values[3]);
        for (float v : x.getGradient().toFloatArray()) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void build_and_compute_rejectCallerMistakes() {
        assertThrows(IllegalArgumentException.class, () -> loss().optTemperature(0f).build());
        assertThrows(IllegalArgumentException.class, () -> loss().optMaxAnchorsPerClass(-1).build());
        NDArray f = features(FOUR, 1, 2, DataType.FLOAT32);
        NDArray labels = grid(1, 2, 0, 0, 1, 255);
        assertThrows(IllegalArgumentException.class,
                () -> loss().optPairSet(PairSet.SAME_DOMAIN).build().compute(f, labels));
        assertThrows(IllegalArgumentException.class,
                () -> loss().optMaxAnchorsPerClass(2).build().compute(f, labels));
        assertThrows(IllegalArgumentException.class, () -> loss().build().compute(f, grid(1, 2, 0, 0, 19, 255)));
        assertThrows(IllegalArgumentException.class,
                () -> loss().optPairSet(PairSet.SOURCE_ONLY).build().compute(f, labels, null, grid(1, 2, 0, 2, 0, 0),
                        null));
        assertThrows(IllegalArgumentException.class, () -> loss().build().compute(f, grid(1, 1, 0)));
    }

    @Test
    void compute_releasedFlattening_withOneImage_isIdenticalToConsistent() {
        // §5.4: with B = 1 pixel-major and image-major flattening are the same order
        SplittableRandom random = new SplittableRandom(11);
        int g = 4;
        int n = g * g;
        double[][] f = randomUnit(random, n, 3);
        int[] y = new int[n];
        double[] pi = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = new int[] {0, 1, 11, 255}[random.nextInt(4)];
            pi[i] = random.nextDouble();
        }
        NDArray features = features(f, 1, g, DataType.FLOAT64);
        NDArray labels = manager.create(y, new Shape(1, g, g));
        NDArray confidence = manager.create(pi, new Shape(1, g, g));
        double consistent = loss().build().compute(features, labels, confidence, null, null).getDouble();
        double released = loss().optReleasedFlattening(true).build()
                .compute(features, labels, confidence, null, null).getDouble();
        assertTrue(consistent > 0);
        assertEquals(consistent, released, 0.0);
    }

    @Test
    void compute_releasedFlattening_withTwoImages_pairsPixelMajorFeaturesWithImageMajorLabels() {
        // §5.4 [BUG]: feature row r is image r mod B, pixel ⌊r/B⌋; labels, π, domains row r is image ⌊r/HW⌋, pixel r mod HW
        SplittableRandom random = new SplittableRandom(5);
        int b = 2;
        int g = 3;
        int hw = g * g;
        int n = b * hw;
        double[][] f = randomUnit(random, n, 4);
        int[] y = new int[n];
        int[] dom = new int[n];
        double[] pi = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = new int[] {0, 1, 2, 13, 255}[random.nextInt(5)];
            dom[i] = i < hw ? PixelContrastiveLoss.SOURCE : PixelContrastiveLoss.TARGET;
            pi[i] = 0.2 + 0.8 * random.nextDouble();
        }
        // by hand: the feature the released code puts in image-major row r is pixel ⌊r/B⌋ of image r mod B
        double[][] permuted = new double[n][];
        for (int r = 0; r < n; r++) {
            permuted[r] = f[(r % b) * hw + r / b];
        }
        NDArray labels = manager.create(y, new Shape(b, g, g));
        NDArray confidence = manager.create(pi, new Shape(b, g, g));
        NDArray domains = manager.create(dom, new Shape(b, g, g));
        for (PairSet pairSet : PairSet.values()) {
            double released = loss().optPairSet(pairSet).optReleasedFlattening(true).build()
                    .compute(features(f, b, g, DataType.FLOAT64), labels, confidence, domains, null).getDouble();
            double byHand = loss().optPairSet(pairSet).build()
                    .compute(features(permuted, b, g, DataType.FLOAT64), labels, confidence, domains, null)
                    .getDouble();
            double consistent = loss().optPairSet(pairSet).build()
                    .compute(features(f, b, g, DataType.FLOAT64), labels, confidence, domains, null).getDouble();
            assertEquals(byHand, released, 1e-12, pairSet.toString());
            assertTrue(Math.abs(consistent - released) > 1e-3, pairSet + ": consistent " + consistent
                    + " vs released " + released);
        }
    }

    /**
     * The block form (anchors sorted by class, negative sums through the block indicator) against the
     * masked N×N form, values and feature gradients, over every pair set, with and without π, both
     * flattenings and stuff/thing separation, on labels with ignore pixels and singleton classes.
     */
    @ParameterizedTest(name = "{0} confidence={1} released={2} stuffThing={3} tau={4}")
    @CsvSource({
        "ALL, false, false, true, 1.0", "ALL, true, false, true, 0.1", "ALL, true, true, false, 1.0",
        "SAME_DOMAIN, true, false, true, 1.0", "SAME_DOMAIN, false, true, true, 0.5",
        "SOURCE_ONLY, true, false, false, 1.0", "SOURCE_ONLY, false, false, true, 0.05",
    })
    void blockForm_equalsMaskedForm_valuesAndGradients(PairSet pairSet, boolean withConfidence, boolean released,
            boolean stuffThing, float tau) {
        int b = 2;
        int g = 5;
        int n = b * g * g;
        SplittableRandom random = new SplittableRandom(pairSet.ordinal() * 31L + (withConfidence ? 7 : 0));
        double[][] f = randomUnit(random, n, 6);
        int[] y = new int[n];
        int[] dom = new int[n];
        double[] pi = new double[n];
        for (int i = 0; i < n; i++) {
            int draw = random.nextInt(10);
            y[i] = draw == 9 ? 255 : draw < 4 ? 0 : draw < 6 ? 13 : draw < 8 ? 11 : 2; // road, car, person, wall
            dom[i] = (i / (g * g) + i) % 2; // both domains in both images
            pi[i] = 0.5 + random.nextDouble() / 2;
        }
        y[3] = 17; // a class with one pixel: an anchor without positives
        PixelContrastiveLoss contrast = loss().optTemperature(tau).optPairSet(pairSet).optReleasedFlattening(released)
                .optStuffThingSeparation(stuffThing).build();
        double[] values = new double[2];
        double[][] gradients = new double[2][];
        for (int form = 0; form < 2; form++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = features(f, b, g, DataType.FLOAT64);
                x.attach(sub);
                x.setRequiresGradient(true);
                NDArray confidence = withConfidence ? manager.create(pi, new Shape(b, g, g)) : null;
                AnchorSet anchors = ContrastSupport.selectAnchors(new Shape(b, g, g), grid(b, g, y), confidence,
                        grid(b, g, dom), null, pairSet, stuffThing, 0);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray value = form == 0 ? contrast.blockContrast(sub, x, confidence, anchors)
                            : contrast.maskedContrast(sub, x, confidence, anchors);
                    values[form] = value.getDouble();
                    gc.backward(value);
                }
                gradients[form] = x.getGradient().toDoubleArray();
            }
        }
        assertTrue(values[1] > 0, "a loss to compare: " + values[1]);
        assertEquals(values[1], values[0], 1e-12 * Math.max(1, values[1]));
        for (int i = 0; i < gradients[0].length; i++) {
            assertEquals(gradients[1][i], gradients[0][i], 1e-12, "gradient " + i);
        }
    }

    @Test
    void blockFormSpan_keepsTheNegativeSumsNormal() {
        assertTrue(Math.exp(-PixelContrastiveLoss.blockFormSpan(DataType.FLOAT32)) > Float.MIN_NORMAL);
        assertTrue(Math.exp(-PixelContrastiveLoss.blockFormSpan(DataType.FLOAT64)) > Double.MIN_NORMAL);
    }

    private NDArray grid(int b, int g, int... values) {
        return manager.create(values, new Shape(b, g, g));
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
