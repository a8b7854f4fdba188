package dev.cluda.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cluda.data.CityscapesClass;
import dev.cluda.loss.PixelContrastiveLoss.PairSet;
import dev.cluda.ndarray.HostArrays;
import dev.cluda.ndarray.Scalars;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * CLUDA's multi-resolution pixel contrast for HRDA (reference §5.4, paper eq. 7), with the
 * single-resolution choices of {@link PixelContrastiveLoss} (§5.3, §5.5, §5.6, §13).
 *
 * <p>LR fused features f_i are the anchors; g_j is the HR fused feature written into an LR-sized
 * canvas at the detail crop (zero outside); {@code s_ij = f_i·f_j/τ}, {@code t_ij = f_i·g_j/τ};
 * w_i ∈ (0, 1) is the feature-weight head's output on the LR features; m_i the crop indicator;
 * {@code a_ij = w_i w_j m_i}; {@code ρ_ij = π_i π_j}:
 * <pre>
 *   ℓ_ij    = s_ij − log(e^{s_ij} + Σ_{k∈N(i)} e^{s_ik})
 *   ℓ^LH_ij = t_ij − log(e^{t_ij} + Σ_{k∈N^H(i)} e^{t_ik})
 *   L = −1/(2N) Σ_i [ 1/max(|P(i)|,1)   Σ_{j∈P(i)}   ρ_ij a_ij ℓ_ij
 *                   + 1/max(|P^H(i)|,1) Σ_{j∈P^H(i)} ρ_ij (1 − a_ij) ℓ^LH_ij ]
 * </pre>
 * P(i), N(i), N, 255, the stuff/thing separation, the pair sets, the per-class cap, the flattening
 * order (image, row, column) and the stable log-sum-exp are exactly those of
 * {@link PixelContrastiveLoss} and share its code; the HR feature at pixel j carries pixel j's
 * label. With the released options P^H = P and N^H = N and the two normalisers coincide, which
 * is eq. 7 as written.
 *
 * <p>Choices made here:
 * <ul>
 *   <li><b>Weight placement</b> (§13, binding): a_ij = w_i w_j m_i multiplies the LR–LR term and
 *       1 − a_ij the LR–HR term, as released; the paper's prose suggests the opposite (§5.4). So
 *       an anchor outside the crop (m_i = 0) is contrasted with HR features only.</li>
 *   <li><b>Crop indicator</b>, default m_i = crop mask: the released "HR label ≠ 0" was meant as
 *       "inside the crop" and drops road (train id 0) only because road's id is 0 (§5.4 quirk);
 *       {@code optCropIndicatorExcludesRoad(true)} restores it. Only m_i changes: road's HR
 *       features are still present.</li>
 *   <li><b>Out-of-crop canvas pixels</b>, default excluded from the LR–HR term (j from P^H(i), k
 *       from N^H(i)): their zero vectors are no HR features, yet as released they add e^0 to every
 *       denominator and t = 0 positives (§5.4 quirk); {@code optOutOfCropHrFeaturesCount(true)}
 *       restores it.</li>
 *   <li><b>Own-location HR feature</b>, default kept as an LR–HR positive (j = i in P^H(i)): the
 *       diagonal is excluded in LR–LR only because s_ii = 1/τ is trivial, whereas t_ii compares
 *       the two resolutions of one pixel, the pair eq. 7 is about (§5.4 quirk);
 *       {@code optLrHrDiagonalExcluded(true)} restores the released exclusion. Its weight is
 *       1 − w_i² m_i; it counts in |P^H(i)| even when P(i) is empty.</li>
 *   <li><b>Separate normalisers</b>: each term is the mean over its own positive set, so that
 *       excluding out-of-crop HR features does not shrink an anchor's LR–HR term by the fraction
 *       of its class outside the crop; with w ≡ 1, m ≡ 1 the loss is exactly ½ of
 *       {@link PixelContrastiveLoss}.</li>
 *   <li>The caller supplies the canvas with zeros outside the crop (§5.1); it is not re-masked,
 *       so with out-of-crop features counted the given values are used as they are.</li>
 * </ul>
 *
 * <p>Cost: the LR–HR term doubles the N×N work. The ρ and a weights factor into per-pixel vectors,
 * so they cost matrix–vector products rather than N×N arrays: about six N×N arrays of the
 * compute type are kept for backward, about eight alive at the peak. Measured with
 * {@code MultiResolutionContrastiveLossBenchmark} (B = 2, D = 64, FLOAT32, 10 % 255, crop of half
 * the grid side) on a shared 2-core CPU under a load average of about 6, so times are inflated and
 * the single-resolution benchmark of the same run is the yardstick: G = 65 (N ≈ 7600) peak RSS
 * about 1760 MiB above the inputs (single-resolution 1150 MiB), forward 2.3–9.5 s, backward
 * 3.5–6.5 s (single-resolution 3.2–5.7 s and 0.8–2.8 s); G = 33 (N ≈ 1960) about 0.2 s forward,
 * 0.1 s backward, at most 240 MiB. Computation is in FLOAT64 for FLOAT64 LR features and
 * FLOAT32 otherwise; it is differentiable with respect to lr, hrCanvas and the weight (and π if it
 * carries a gradient); labels, crop mask and domains are read to the host.
 */
public final class MultiResolutionContrastiveLoss {

    private final float temperature;
    private final boolean stuffThingSeparation;
    private final int maxAnchorsPerClass;
    private final PairSet pairSet;
    private final boolean cropIndicatorExcludesRoad;
    private final boolean outOfCropHrFeaturesCount;
    private final boolean lrHrDiagonalExcluded;

    private MultiResolutionContrastiveLoss(Builder builder) {
        this.temperature = builder.temperature;
        this.stuffThingSeparation = builder.stuffThingSeparation;
        this.maxAnchorsPerClass = builder.maxAnchorsPerClass;
        this.pairSet = builder.pairSet;
        this.cropIndicatorExcludesRoad = builder.cropIndicatorExcludesRoad;
        this.outOfCropHrFeaturesCount = builder.outOfCropHrFeaturesCount;
        this.lrHrDiagonalExcluded = builder.lrHrDiagonalExcluded;
    }

    public static Builder builder() {
        return new Builder();
    }

    public float temperature() {
        return temperature;
    }

    public boolean stuffThingSeparation() {
        return stuffThingSeparation;
    }

    public int maxAnchorsPerClass() {
        return maxAnchorsPerClass;
    }

    public PairSet pairSet() {
        return pairSet;
    }

    public boolean cropIndicatorExcludesRoad() {
        return cropIndicatorExcludesRoad;
    }

    public boolean outOfCropHrFeaturesCount() {
        return outOfCropHrFeaturesCount;
    }

    public boolean lrHrDiagonalExcluded() {
        return lrHrDiagonalExcluded;
    }

    /**
     * The multi-resolution pixel-contrast loss (reference §5.4).
     *
     * @param lr         {@code (B, D, G, G)} LR fused features on the grid, L2-normalised per pixel
     * @param hrCanvas   {@code (B, D, G, G)} HR fused features on the LR grid, L2-normalised inside
     *                   the crop and 0 outside
     * @param labels     {@code (B, G, G)} train ids 0..18 or 255 (any numeric type)
     * @param cropMask   {@code (B, G, G)} 1 inside the detail crop, 0 outside (any numeric type)
     * @param weight     {@code (B, G, G)} learned w ∈ (0, 1) from the feature-weight head
     * @param confidence {@code (B, G, G)} per-pixel π with ρ_ij = π_i π_j, or {@code null} for ρ = 1
     * @param domains    {@code (B, G, G)} {@link PixelContrastiveLoss#SOURCE} or
     *                   {@link PixelContrastiveLoss#TARGET}; required unless the pair set is ALL
     * @param random     draws the per-class subsets; required when {@code maxAnchorsPerClass > 0}
     * @return a scalar on lr's manager; exactly 0 when nothing takes part
     * @throws IllegalArgumentException on mismatched shapes, bad labels, crop-mask values or
     *                                  domains, or a missing domain map or random source
     */
    public NDArray compute(NDArray lr, NDArray hrCanvas, NDArray labels, NDArray cropMask, NDArray weight,
                           NDArray confidence, NDArray domains, RandomGenerator random) {
        Shape grid = ContrastSupport.gridOf(lr, "lr");
        if (!hrCanvas.getShape().equals(lr.getShape())) {
            throw new IllegalArgumentException("hrCanvas must be " + lr.getShape() + " like lr (B, D, G, G), got "
                    + hrCanvas.getShape());
        }
        ContrastSupport.requireShape("cropMask", cropMask, grid);
        ContrastSupport.requireShape("weight", weight, grid);
        int[] hostLabels = ContrastSupport.readLabels(grid, labels);
        AnchorSet anchors = ContrastSupport.selectAnchors(grid, hostLabels, confidence, domains, random, pairSet,
                stuffThingSeparation, maxAnchorsPerClass);
        boolean[] crop = readCropMask(cropMask);

        NDManager parent = lr.getManager();
        try (NDManager sub = parent.newSubManager(lr.getDevice())) {
            lr.tempAttach(sub);
            hrCanvas.tempAttach(sub);
            weight.tempAttach(sub);
            if (confidence != null) {
                confidence.tempAttach(sub);
            }
            NDArray loss = anchors.size() == 0
                    ? zeroConnectedTo(lr, hrCanvas, weight, confidence)
                    : contrast(sub, lr, hrCanvas, weight, confidence, anchors, hostLabels, crop);
            loss.attach(parent);
            return loss;
        }
    }

    /** 0 that still reaches every differentiable input, so their gradients are 0 rather than absent. */
    private static NDArray zeroConnectedTo(NDArray lr, NDArray hrCanvas, NDArray weight, NDArray confidence) {
        DataType type = ContrastSupport.computeType(lr);
        NDArray total = lr.sum().toType(type, false).add(hrCanvas.sum().toType(type, false)).add(weight.sum().toType(type, false));
        if (confidence != null) {
            total = total.add(confidence.sum().toType(type, false));
        }
        return Scalars.mul(total, 0);
    }

    private NDArray contrast(NDManager sub, NDArray lr, NDArray hrCanvas, NDArray weight, NDArray confidence,
                             AnchorSet anchors, int[] labels, boolean[] crop) {
        DataType type = ContrastSupport.computeType(lr);
        int n = anchors.size();
        long[] indices = anchors.indices();
        boolean[] inCrop = new boolean[n];
        float[] indicator = new float[n];
        for (int r = 0; r < n; r++) {
            int i = (int) indices[r];
            inCrop[r] = crop[i];
            // §5.4 quirk: the released m_i is "crop mask × label ≠ 0", which drops road.
            boolean road = labels[i] == CityscapesClass.ROAD.trainId();
            indicator[r] = crop[i] && !(cropIndicatorExcludesRoad && road) ? 1f : 0f;
        }

        NDArray index = HostArrays.create(sub, indices);
        NDArray f = ContrastSupport.gatherPixels(lr, index, type);
        NDArray g = ContrastSupport.gatherPixels(hrCanvas, index, type);
        NDArray w = weight.toType(type, false).reshape(-1).get(index);
        NDArray pi = confidence == null
                ? sub.ones(new Shape(n), type)
                : confidence.toType(type, false).reshape(-1).get(index);
        NDArray piW = pi.mul(w);
        NDArray wm = w.mul(HostArrays.create(sub, indicator).toType(type, false));
        NDArray zero = HostArrays.scalar(sub, 0.0).toType(type, false);

        NDArray sameClass = ContrastSupport.equalKeys(sub, anchors.classKeys());
        NDArray sameGroup = ContrastSupport.equalKeys(sub, anchors.groupKeys());
        NDArray notSelf = ContrastSupport.offDiagonal(sub, n);
        NDArray differentClass = sameClass.logicalNot();
        NDArray negative = sameGroup.logicalAnd(differentClass);
        NDArray negativeLh = sameGroup.logicalAnd(differentClass);
        NDArray positive = sameClass.logicalAnd(notSelf);
        NDArray positiveLh = lrHrDiagonalExcluded ? sameClass.logicalAnd(notSelf) : sameClass.duplicate();
        ContrastSupport.closeAll(sameClass, sameGroup, notSelf, differentClass);
        if (!outOfCropHrFeaturesCount) {
            // Out-of-crop canvas pixels hold no HR feature: drop them as LR–HR positives and negatives.
            NDArray column = HostArrays.create(sub, inCrop).reshape(1, n);
            negativeLh = replace(negativeLh, negativeLh.logicalAnd(column));
            positiveLh = replace(positiveLh, positiveLh.logicalAnd(column));
            column.close();
        }

        // LR–LR: π_i w_i m_i Σ_{j∈P(i)} (π_j w_j) (−ℓ_ij), one N×N array at a time.
        NDArray gram = f.matMul(f.transpose());
        NDArray logits = Scalars.div(gram, temperature);
        gram.close();
        NDArray negLogProb = ContrastSupport.negativeLogProbabilities(sub, logits, negative, type);
        NDArray onPositives = NDArrays.where(positive, negLogProb, zero);
        ContrastSupport.closeAll(positive, negLogProb);
        NDArray sumLl = onPositives.matMul(piW.reshape(n, 1)).reshape(n);
        onPositives.close();

        // LR–HR: π_i [Σ_{j∈P^H(i)} π_j (−ℓ^LH_ij) − w_i m_i Σ_{j∈P^H(i)} π_j w_j (−ℓ^LH_ij)].
        NDArray cross = f.matMul(g.transpose());
        NDArray logitsLh = Scalars.div(cross, temperature);
        cross.close();
        NDArray negLogProbLh = ContrastSupport.negativeLogProbabilities(sub, logitsLh, negativeLh, type);
        NDArray onPositivesLh = NDArrays.where(positiveLh, negLogProbLh, zero);
        ContrastSupport.closeAll(positiveLh, negLogProbLh);
        NDArray sumsLh = onPositivesLh.matMul(NDArrays.stack(new NDList(pi, piW), 1));
        onPositivesLh.close();
        NDArray plainLh = sumsLh.get(":, 0");
        NDArray weightedLh = sumsLh.get(":, 1");

        NDArray countsLl = HostArrays.create(sub, anchors.positiveCounts()).toType(type, false).maximum(1);
        NDArray countsLh = HostArrays.create(sub, lrHrPositiveCounts(anchors, inCrop)).toType(type, false)
                .maximum(1);
        NDArray perAnchor = wm.mul(sumLl).div(countsLl)
                .add(plainLh.sub(wm.mul(weightedLh)).div(countsLh))
                .mul(pi);
        return Scalars.div(perAnchor.sum(), 2.0 * n);
    }

    /** |P^H(i)|: same-class pixels, in the crop unless out-of-crop features count, plus i itself if kept. */
    private float[] lrHrPositiveCounts(AnchorSet anchors, boolean[] inCrop) {
        int n = anchors.size();
        long[] keys = anchors.classKeys();
        Map<Long, Integer> inCropPerKey = new HashMap<>();
        for (int r = 0; r < n; r++) {
            if (inCrop[r]) {
                inCropPerKey.merge(keys[r], 1, Integer::sum);
            }
        }
        float[] counts = new float[n];
        for (int r = 0; r < n; r++) {
            boolean hrAvailable = outOfCropHrFeaturesCount || inCrop[r];
            float others = outOfCropHrFeaturesCount
                    ? anchors.positiveCounts()[r]
                    : inCropPerKey.getOrDefault(keys[r], 0) - (inCrop[r] ? 1 : 0);
            counts[r] = others + (!lrHrDiagonalExcluded && hrAvailable ? 1 : 0);
        }
        return counts;
    }

    private static NDArray replace(NDArray old, NDArray replacement) {
        old.close();
        return replacement;
    }

    private static boolean[] readCropMask(NDArray cropMask) {
        NDArray values = cropMask.toType(DataType.FLOAT64, false);
        double[] host = values.toDoubleArray();
        if (values != cropMask) {
            values.close();
        }
        boolean[] crop = new boolean[host.length];
        for (int i = 0; i < host.length; i++) {
            if (host[i] != 0 && host[i] != 1) {
                throw new IllegalArgumentException("cropMask values must be 0 (outside the detail crop) or 1 (inside), got "
                        + host[i]);
            }
            crop[i] = host[i] == 1;
        }
        return crop;
    }

    /** Builder; every setting is optional. */
    public static final class Builder {
        private float temperature = 1.0f;
        private boolean stuffThingSeparation = true;
        private int maxAnchorsPerClass;
        private PairSet pairSet = PairSet.ALL;
        private boolean cropIndicatorExcludesRoad;
        private boolean outOfCropHrFeaturesCount;
        private boolean lrHrDiagonalExcluded;

        private Builder() {
        }

        /** Temperature τ dividing both similarities; default 1.0 (reference §5.3, §13). */
        public Builder optTemperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Drop stuff–thing pairs from positives and negatives of both terms; default {@code true} (§5.5, §13). */
        public Builder optStuffThingSeparation(boolean separate) {
            this.stuffThingSeparation = separate;
            return this;
        }

        /** Keep at most this many pixels per class (LR and HR alike); default 0 = no cap (§13 memory option). */
        public Builder optMaxAnchorsPerClass(int maxAnchorsPerClass) {
            this.maxAnchorsPerClass = maxAnchorsPerClass;
            return this;
        }

        /** Which pairs enter both terms; default {@link PairSet#ALL} (§5.6 ablation). */
        public Builder optPairSet(PairSet pairSet) {
            this.pairSet = pairSet;
            return this;
        }

        /** Released m_i = [crop × label ≠ 0], so road in the crop gets m = 0; default {@code false} (§5.4 quirk). */
        public Builder optCropIndicatorExcludesRoad(boolean excludesRoad) {
            this.cropIndicatorExcludesRoad = excludesRoad;
            return this;
        }

        /** Released: zero canvas features outside the crop enter LR–HR with t = 0; default {@code false} (§5.4 quirk). */
        public Builder optOutOfCropHrFeaturesCount(boolean count) {
            this.outOfCropHrFeaturesCount = count;
            return this;
        }

        /** Released: j ≠ i also in LR–HR, so an anchor never pairs with its own HR feature; default {@code false} (§5.4 quirk). */
        public Builder optLrHrDiagonalExcluded(boolean excluded) {
            this.lrHrDiagonalExcluded = excluded;
            return this;
        }

        /** All three §5.4 quirks as in the released code; the other options are left as they are. */
        public Builder releasedQuirks() {
            return optCropIndicatorExcludesRoad(true).optOutOfCropHrFeaturesCount(true).optLrHrDiagonalExcluded(true);
        }

        public MultiResolutionContrastiveLoss build() {
            ContrastSupport.checkOptions(temperature, maxAnchorsPerClass, pairSet);
            return new MultiResolutionContrastiveLoss(this);
        }
    }
}
