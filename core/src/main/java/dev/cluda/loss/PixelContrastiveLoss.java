package dev.cluda.loss;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import dev.cluda.ndarray.Scalars;

/**
 * CLUDA's supervised pixel contrast on a dense grid (reference §5.3 single-resolution form; stuff/thing
 * separation §5.5; confidence weights §5.6; project decisions §13).
 *
 * <p>With {@code s_ij = f_i·f_j / τ}, positives {@code P(i) = {j ≠ i : y_j = y_i}} and negatives
 * {@code N(i) = {k : y_k ≠ y_i}}:
 * <pre>
 *   ℓ_ij = s_ij − log(e^{s_ij} + Σ_{k∈N(i)} e^{s_ik})
 *   L    = −(1/N) Σ_i (1 / max(|P(i)|, 1)) Σ_{j∈P(i)} ρ_ij ℓ_ij,   ρ_ij = π_i π_j
 * </pre>
 *
 * <p>Choices made here (each binding per §13 or stated by the brief):
 * <ul>
 *   <li>Features, labels, confidences and domains are flattened in one order: image, then row,
 *       then column (§13; fixes the §5.4 pixel-major/image-major mismatch of the released code).</li>
 *   <li>Label 255 is never an anchor, positive or negative (§13).</li>
 *   <li>With stuff/thing separation on (default) a pair of one stuff and one thing class is dropped
 *       from positives and negatives alike (§5.5 as the paper intends); the thing set is
 *       {@link dev.cluda.data.CityscapesClass#thingMask()} = {6, 7, 11..18}.</li>
 *   <li><b>N is the number of anchors</b>, i.e. the non-255 pixels that take part (after the
 *       pair-set filter and the per-class cap), not B·G·G. The released code divides by B·G·G
 *       because it treats 255 as a class (§5.4 quirk); once 255 is excluded, dividing by all
 *       pixels would shrink the loss with the amount of ignore in the batch, while the mean over
 *       the pixels that really are anchors does not. Anchors with no positive (or zero π) add 0
 *       but count in N, as in the released code.</li>
 *   <li>{@link PairSet#SOURCE_ONLY} removes target pixels altogether (they are neither anchors
 *       nor counted in N); {@link PairSet#SAME_DOMAIN} keeps every pixel as an anchor but pairs
 *       only pixels of one domain.</li>
 *   <li>The per-class cap keeps at most {@code maxAnchorsPerClass} pixels of each class, drawn
 *       without replacement by the caller's {@link RandomGenerator}; the dropped pixels take no
 *       part at all (neither anchor nor contrast), which is what bounds the N×N memory.</li>
 *   <li>Stability: the log of the negative sum is a log-sum-exp with each row's maximum over its
 *       negatives subtracted (detached; it cancels exactly), and {@code −ℓ_ij} is evaluated as
 *       {@code softplus(c_i − s_ij)} with {@code c_i = log Σ_{k∈N(i)} e^{s_ik}}, so no term
 *       underflows to log 0 even at small τ. An anchor without negatives has ℓ = 0 exactly.</li>
 * </ul>
 *
 * <p>Memory: a few N×N arrays of the feature type (about five alive at once, three kept for
 * backward) plus boolean masks; measured on a 2-core CPU at B = 2, D = 64, G = 65 (N ≈ 7600):
 * about 1.2 GB peak and 1.1–1.3 s forward, 0.6–0.7 s backward. Computation is in FLOAT64 for
 * FLOAT64 features and FLOAT32 otherwise. All work stays on the features' device and is
 * differentiable with respect to the features (and π if it carries a gradient); only the labels
 * and domains are read back to the host.
 */
public final class PixelContrastiveLoss {

    /** Domain value of a source pixel in the domain map. */
    public static final int SOURCE = 0;
    /** Domain value of a target pixel in the domain map. */
    public static final int TARGET = 1;

    /** Which anchor–contrast pairs enter the loss (CL-type ablation, reference §5.6). */
    public enum PairSet {
        /** S‑S + T‑T + S‑T: every pair. */
        ALL,
        /** S‑S + T‑T: pairs within one domain only. */
        SAME_DOMAIN,
        /** S‑S: source pixels only. */
        SOURCE_ONLY
    }

    private final float temperature;
    private final boolean stuffThingSeparation;
    private final int maxAnchorsPerClass;
    private final PairSet pairSet;
    private final boolean releasedFlattening;

    private PixelContrastiveLoss(Builder builder) {
        this.temperature = builder.temperature;
        this.stuffThingSeparation = builder.stuffThingSeparation;
        this.maxAnchorsPerClass = builder.maxAnchorsPerClass;
        this.pairSet = builder.pairSet;
        this.releasedFlattening = builder.releasedFlattening;
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

    /** True when the features are flattened pixel-major as in the released code (§5.4 bug). */
    public boolean releasedFlattening() {
        return releasedFlattening;
    }

    /**
     * L2-normalises every pixel's feature vector over the channel axis, like torch's
     * {@code F.normalize(x, dim=1)} (reference §5.1); a zero vector stays zero.
     *
     * @param features {@code (B, D, H, W)}
     * @return {@code (B, D, H, W)}, unit norm per pixel, on the features' manager
     */
    public static NDArray l2NormalizePerPixel(NDArray features) {
        if (features.getShape().dimension() != 4) {
            throw new IllegalArgumentException("features must be (B, D, H, W), got " + features.getShape());
        }
        return features.normalize(2, 1, 1e-12);
    }

    /**
     * Source form: ρ = 1, every pixel from one domain. Only valid with {@link PairSet#ALL} and no
     * per-class cap; see {@link #compute(NDArray, NDArray, NDArray, NDArray, RandomGenerator)}.
     */
    public NDArray compute(NDArray features, NDArray labels) {
        return compute(features, labels, null, null, null);
    }

    /**
     * The pixel-contrast loss (reference §5.3).
     *
     * @param features   {@code (B, D, G, G)} already resized to the grid and L2-normalised per pixel
     * @param labels     {@code (B, G, G)} train ids 0..18 or 255 (any numeric type)
     * @param confidence {@code (B, G, G)} per-pixel π with ρ_ij = π_i π_j, or {@code null} for ρ = 1
     * @param domains    {@code (B, G, G)} {@link #SOURCE} or {@link #TARGET} per pixel; required
     *                   unless the pair set is {@link PairSet#ALL}
     * @param random     draws the per-class subsets; required when {@code maxAnchorsPerClass > 0}
     * @return a scalar on the features' manager; exactly 0 when nothing takes part
     * @throws IllegalArgumentException on mismatched shapes, bad labels or domains, or a missing
     *                                  domain map or random source
     */
    public NDArray compute(NDArray features, NDArray labels, NDArray confidence, NDArray domains,
                           RandomGenerator random) {
        Shape grid = ContrastSupport.gridOf(features, "features");
        AnchorSet anchors = ContrastSupport.selectAnchors(grid, labels, confidence, domains, random, pairSet,
                stuffThingSeparation, maxAnchorsPerClass);

        NDManager parent = features.getManager();
        try (NDManager sub = parent.newSubManager(features.getDevice())) {
            features.tempAttach(sub);
            if (confidence != null) {
                confidence.tempAttach(sub);
            }
            NDArray loss = anchors.size() == 0
                    ? Scalars.mul(features.sum(), 0)
                    : 2 / temperature <= blockFormSpan(ContrastSupport.computeType(features))
                    ? blockContrast(sub, features, confidence, anchors)
                    : maskedContrast(sub, features, confidence, anchors);
            loss.attach(parent);
            return loss;
        }
    }

    /**
     * The loss over the kept pixels in block form: the anchors sorted by class key, so that the
     * positives of an anchor are the rest of its block. Only the negative sums need all N×N
     * similarities, and they come from one exponential and one product with the block indicator
     * ({@code c_i = log Σ_b M_{i,b} Σ_{k∈b} e^{s_ik}}, no subtraction of same-class terms); the
     * positive terms are computed per block from that block's features. That is a handful of
     * element-wise N×N passes forward and backward instead of the dozen of a masked N×N
     * formulation; the sums are the same.
     *
     * <p>The exponential is shifted by {@code m = max_i ‖f_i‖²/τ}, an upper bound of every similarity
     * (detached; it cancels), folded into the similarity product so it costs no N×N pass. For unit
     * features the similarities span at most 2/τ, so no negative sum underflows while 2/τ stays
     * below {@link #blockFormSpan}; smaller τ takes {@link #maskedContrast}. An anchor without
     * negatives gets {@code c_i = −1e30}, so its terms are exactly 0, and a sum that underflows
     * anyway (features that are not unit vectors) is clamped at the smallest normal value instead
     * of giving log 0.
     */
    NDArray blockContrast(NDManager sub, NDArray features, NDArray confidence, AnchorSet anchors) {
        DataType type = ContrastSupport.computeType(features);
        int n = anchors.size();
        ClassBlocks blocks = ClassBlocks.of(anchors);
        int[] order = blocks.order();
        long[] sortedIndex = new long[n];
        float[] counts = new float[n];
        float[] noNegatives = new float[n];
        for (int r = 0; r < n; r++) {
            sortedIndex[r] = anchors.indices()[order[r]];
            counts[r] = Math.max(anchors.positiveCounts()[order[r]], 1f);
            noNegatives[r] = blocks.hasNegatives()[r] ? 0f : 1f;
        }
        NDArray index = HostArrays.create(sub, sortedIndex);
        // the anchor indices are image-major (labels, π, domains); released reads the features pixel-major (§5.4)
        NDArray f = releasedFlattening
                ? ContrastSupport.gatherPixelsPixelMajor(features, index, type)
                : ContrastSupport.gatherPixels(features, index, type);
        NDArray pi = confidence == null ? null : confidence.toType(type, false).reshape(-1).get(index);

        // c_i = log Σ_{k∈N(i)} e^{s_ik}: one N×N exponential, then per-block sums by a product with the indicator
        int k = blocks.blocks();
        float[] indicator = new float[n * k];
        for (int b = 0; b < k; b++) {
            for (int r = blocks.starts()[b]; r < blocks.starts()[b + 1]; r++) {
                indicator[r * k + b] = 1f;
            }
        }
        // e^{s_ik − m} with m = max_i ‖f_i‖²/τ ≥ every s_ik (Cauchy–Schwarz; detached, it cancels), the shift
        // folded into the product as one more feature column: [f_i/τ, 1] · [f_k, −m]
        NDArray shift = Scalars.div(f.square().sum(new int[] {1}).max(), temperature).stopGradient();
        NDArray lhs = Scalars.div(f, temperature).concat(sub.ones(new Shape(n, 1), type), 1);
        NDArray rhs = f.concat(sub.zeros(new Shape(n, 1), type).sub(shift), 1);
        NDArray exps = lhs.matMul(rhs.transpose()).exp();
        NDArray blockSums = exps.matMul(HostArrays.create(sub, indicator, new Shape(n, k)).toType(type, false));
        exps.close();
        NDArray none = HostArrays.create(sub, noNegatives).toType(type, false).reshape(n, 1);
        NDArray negativeSum = blockSums.mul(HostArrays.create(sub, blocks.negativeMask(), new Shape(n, k))
                .toType(type, false)).sum(new int[] {1}, true).add(none);
        double tiny = type == DataType.FLOAT64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
        NDArray c = negativeSum.maximum(tiny).log().add(shift).add(Scalars.mul(none, ContrastSupport.MASKED_LOGIT));

        // −ℓ_ij = softplus(c_i − s_ij) over the positives j ∈ P(i), the rest of i's block, weighted ρ_ij = π_i π_j
        long[] cuts = Arrays.copyOfRange(Arrays.stream(blocks.starts()).asLongStream().toArray(), 1, k);
        NDList fBlocks = f.split(cuts, 0);
        NDList cBlocks = c.split(cuts, 0);
        NDList piBlocks = pi == null ? null : pi.split(cuts, 0);
        NDList perAnchor = new NDList(k);
        for (int b = 0; b < k; b++) {
            NDArray fb = fBlocks.get(b);
            int size = blocks.size(b);
            NDArray s = Scalars.div(fb.matMul(fb.transpose()), temperature);
            NDArray negLogProb = Activation.softPlus(cBlocks.get(b).sub(s));
            NDArray weight = sub.eye(size).toType(type, false).neg().add(1); // j ≠ i
            if (pi != null) {
                weight = weight.mul(piBlocks.get(b).reshape(1, size));
            }
            NDArray rows = negLogProb.mul(weight).sum(new int[] {1});
            perAnchor.add(pi == null ? rows : rows.mul(piBlocks.get(b)));
        }
        NDArray sum = NDArrays.concat(perAnchor).div(HostArrays.create(sub, counts).toType(type, false)).sum();
        return Scalars.div(sum, n);
    }

    /**
     * The loss over the kept pixels with N×N pair masks and each row shifted by its maximum over its
     * negatives, so that no negative sum underflows whatever τ is: the form for temperatures too small
     * for {@link #blockContrast}. Each N×N temporary is closed as soon as it is dead (autograd keeps
     * what backward needs), which lowers the peak memory by about a third.
     */
    NDArray maskedContrast(NDManager sub, NDArray features, NDArray confidence, AnchorSet anchors) {
        DataType type = ContrastSupport.computeType(features);
        int n = anchors.size();
        NDArray index = HostArrays.create(sub, anchors.indices());
        // the anchor indices are image-major (labels, π, domains); released reads the features pixel-major (§5.4)
        NDArray f = releasedFlattening
                ? ContrastSupport.gatherPixelsPixelMajor(features, index, type)
                : ContrastSupport.gatherPixels(features, index, type);
        NDArray gram = f.matMul(f.transpose());
        NDArray logits = Scalars.div(gram, temperature);
        gram.close();

        NDArray sameClass = ContrastSupport.equalKeys(sub, anchors.classKeys());
        NDArray sameGroup = ContrastSupport.equalKeys(sub, anchors.groupKeys());
        NDArray notSelf = ContrastSupport.offDiagonal(sub, n);
        NDArray positive = sameClass.logicalAnd(notSelf);
        NDArray differentClass = sameClass.logicalNot();
        NDArray negative = sameGroup.logicalAnd(differentClass);
        ContrastSupport.closeAll(sameClass, sameGroup, notSelf, differentClass);
        // −ℓ_ij = softplus(c_i − s_ij), c_i = log Σ_{k∈N(i)} e^{s_ik} (stable; closes logits and negative).
        NDArray negLogProb = ContrastSupport.negativeLogProbabilities(sub, logits, negative, type);

        NDArray pairWeight = positive.toType(type, false);
        positive.close();
        NDArray pi = null;
        if (confidence != null) {
            pi = confidence.toType(type, false).reshape(-1).get(index);
            NDArray weighted = pairWeight.mul(pi.reshape(1, n));
            pairWeight.close();
            pairWeight = weighted;
        }
        NDArray terms = pairWeight.mul(negLogProb);
        ContrastSupport.closeAll(pairWeight, negLogProb);
        NDArray perAnchor = terms.sum(new int[] {1});
        terms.close();
        if (pi != null) {
            perAnchor = perAnchor.mul(pi);
        }
        NDArray positiveCounts = HostArrays.create(sub, anchors.positiveCounts()).toType(type, false).maximum(1);
        return Scalars.div(perAnchor.div(positiveCounts).sum(), n);
    }

    /**
     * The largest similarity span 2/τ the block form takes: e^{−span} must stay a normal number of
     * the compute type (FLOAT32 below e^{−87}, FLOAT64 below e^{−708}), with a margin.
     */
    static double blockFormSpan(DataType type) {
        return type == DataType.FLOAT64 ? 600 : 80;
    }

    /** Builder; every setting is optional. */
    public static final class Builder {
        private float temperature = 1.0f;
        private boolean stuffThingSeparation = true;
        private int maxAnchorsPerClass;
        private PairSet pairSet = PairSet.ALL;
        private boolean releasedFlattening;

        private Builder() {
        }

        /** Temperature τ dividing the cosine similarities; default 1.0 (reference §5.3, §13). */
        public Builder optTemperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Drop stuff–thing pairs from positives and negatives; default {@code true} (§5.5, §13). */
        public Builder optStuffThingSeparation(boolean separate) {
            this.stuffThingSeparation = separate;
            return this;
        }

        /** Keep at most this many pixels per class; default 0 = no cap (§13 memory option). */
        public Builder optMaxAnchorsPerClass(int maxAnchorsPerClass) {
            this.maxAnchorsPerClass = maxAnchorsPerClass;
            return this;
        }

        /** Which pairs enter; default {@link PairSet#ALL} (§5.6 ablation). */
        public Builder optPairSet(PairSet pairSet) {
            this.pairSet = pairSet;
            return this;
        }

        /**
         * Flatten the features pixel-major across the batch while labels, π and domains stay
         * image-major, reproducing the released code's pairing bug; default {@code false} (§5.4, §13).
         * Identical to the consistent order when B = 1.
         */
        public Builder optReleasedFlattening(boolean released) {
            this.releasedFlattening = released;
            return this;
        }

        public PixelContrastiveLoss build() {
            ContrastSupport.checkOptions(temperature, maxAnchorsPerClass, pairSet);
            return new PixelContrastiveLoss(this);
        }
    }
}
