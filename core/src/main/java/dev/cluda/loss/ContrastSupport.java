package dev.cluda.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.cluda.ndarray.HostArrays;
import java.util.random.RandomGenerator;

/**
 * Pieces shared by the single- and multi-resolution pixel contrast (reference §5.3, §5.4, §13):
 * input checks, anchor selection, gathering the kept pixels, pair masks and the stable
 * {@code −ℓ_ij = softplus(c_i − s_ij)}.
 */
final class ContrastSupport {

    /** Stands in for −∞ on masked logits; e^{−1e30 − max} underflows to exactly 0. */
    static final double MASKED_LOGIT = -1e30;

    private ContrastSupport() {
    }

    /** FLOAT64 for FLOAT64 features, FLOAT32 otherwise. */
    static DataType computeType(NDArray features) {
        return features.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    }

    /** {@code (B, G, G)} of a {@code (B, D, G, G)} feature map, after checking it is 4-D. */
    static Shape gridOf(NDArray features, String name) {
        Shape fs = features.getShape();
        if (fs.dimension() != 4) {
            throw new IllegalArgumentException(name + " must be (B, D, G, G), got " + fs);
        }
        return new Shape(fs.get(0), fs.get(2), fs.get(3));
    }

    /**
     * Checks labels, confidence, domains and the random source, reads labels and domains to the
     * host and chooses the pixels that take part (§5.3, §5.5, §5.6, §13).
     */
    static AnchorSet selectAnchors(Shape grid, NDArray labels, NDArray confidence, NDArray domains,
                                   RandomGenerator random, PixelContrastiveLoss.PairSet pairSet,
                                   boolean stuffThingSeparation, int maxAnchorsPerClass) {
        return selectAnchors(grid, readLabels(grid, labels), confidence, domains, random, pairSet,
                stuffThingSeparation, maxAnchorsPerClass);
    }

    /** Checks the labels' shape and copies them to the host. */
    static int[] readLabels(Shape grid, NDArray labels) {
        requireShape("labels", labels, grid);
        return readInts(labels);
    }

    /** As {@link #selectAnchors(Shape, NDArray, NDArray, NDArray, RandomGenerator, PixelContrastiveLoss.PairSet, boolean, int)} with labels already on the host. */
    static AnchorSet selectAnchors(Shape grid, int[] hostLabels, NDArray confidence, NDArray domains,
                                   RandomGenerator random, PixelContrastiveLoss.PairSet pairSet,
                                   boolean stuffThingSeparation, int maxAnchorsPerClass) {
        if (confidence != null) {
            requireShape("confidence", confidence, grid);
        }
        if (pairSet != PixelContrastiveLoss.PairSet.ALL && domains == null) {
            throw new IllegalArgumentException("pair set " + pairSet + " needs a domain map (B, G, G) of "
                    + PixelContrastiveLoss.SOURCE + " (source) / " + PixelContrastiveLoss.TARGET
                    + " (target); pass one or use PairSet.ALL");
        }
        if (domains != null) {
            requireShape("domains", domains, grid);
        }
        if (maxAnchorsPerClass > 0 && random == null) {
            throw new IllegalArgumentException("maxAnchorsPerClass = " + maxAnchorsPerClass
                    + " needs a RandomGenerator to draw the kept anchors; pass one or set the cap to 0");
        }
        int[] hostDomains = null;
        if (domains != null && pairSet != PixelContrastiveLoss.PairSet.ALL) {
            hostDomains = readInts(domains);
            for (int d : hostDomains) {
                if (d != PixelContrastiveLoss.SOURCE && d != PixelContrastiveLoss.TARGET) {
                    throw new IllegalArgumentException("domain map values must be " + PixelContrastiveLoss.SOURCE
                            + " (source) or " + PixelContrastiveLoss.TARGET + " (target), got " + d);
                }
            }
        }
        return AnchorSet.select(hostLabels, hostDomains, pairSet, stuffThingSeparation, maxAnchorsPerClass, random);
    }

    /** The kept pixels' vectors, {@code (N, D)}, flattened image, row, column (§13). */
    static NDArray gatherPixels(NDArray features, NDArray index, DataType type) {
        long depth = features.getShape().get(1);
        return features.toType(type, false).transpose(0, 2, 3, 1).reshape(-1, depth).get(index);
    }

    /**
     * The rows {@code index} of the features flattened pixel-major across the batch, row r ↔ image
     * r mod B, pixel ⌊r/B⌋, as the released code's unbind/cat does (§5.4 bug); {@code (N, D)}.
     */
    static NDArray gatherPixelsPixelMajor(NDArray features, NDArray index, DataType type) {
        long depth = features.getShape().get(1);
        return features.toType(type, false).transpose(2, 3, 0, 1).reshape(-1, depth).get(index);
    }

    /** {@code (N, N)} boolean: {@code keys[r] == keys[c]}. */
    static NDArray equalKeys(NDManager manager, long[] keys) {
        int n = keys.length;
        NDArray k = HostArrays.create(manager, keys);
        NDArray equal = k.reshape(n, 1).eq(k.reshape(1, n));
        k.close();
        return equal;
    }

    /** {@code (N, N)} boolean: {@code r ≠ c}. */
    static NDArray offDiagonal(NDManager manager, int n) {
        NDArray order = manager.arange(0, n, 1, DataType.INT64);
        NDArray notSelf = order.reshape(n, 1).neq(order.reshape(1, n));
        order.close();
        return notSelf;
    }

    /**
     * {@code −ℓ_ij = softplus(c_i − s_ij)} with {@code c_i = log Σ_{k∈N(i)} e^{s_ik}}, the row max
     * over N(i) subtracted (detached; it cancels). Where N(i) is empty c_i ≈ −1e30 and −ℓ = 0.
     * Closes {@code logits} and {@code negative}.
     */
    static NDArray negativeLogProbabilities(NDManager sub, NDArray logits, NDArray negative, DataType type) {
        NDArray masked = NDArrays.where(negative, logits, HostArrays.scalar(sub, MASKED_LOGIT).toType(type, false));
        negative.close();
        NDArray rowMaxRaw = masked.max(new int[] {1}, true);
        NDArray rowMax = rowMaxRaw.stopGradient();
        NDArray shifted = masked.sub(rowMax);
        closeAll(rowMaxRaw, masked);
        NDArray exps = shifted.exp();
        shifted.close();
        NDArray logNegSum = exps.sum(new int[] {1}, true).log().add(rowMax);
        exps.close();
        NDArray gap = logNegSum.sub(logits);
        logits.close();
        NDArray negLogProb = Activation.softPlus(gap);
        gap.close();
        return negLogProb;
    }

    /** Copies an integer-valued array to the host without leaving a converted copy behind. */
    static int[] readInts(NDArray array) {
        NDArray ints = array.toType(DataType.INT32, false);
        int[] values = ints.toIntArray();
        if (ints != array) {
            ints.close();
        }
        return values;
    }

    static void closeAll(NDArray... arrays) {
        for (NDArray array : arrays) {
            array.close();
        }
    }

    static void requireShape(String name, NDArray array, Shape expected) {
        if (!array.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " must be " + expected + " (B, G, G) to match the features, got "
                    + array.getShape());
        }
    }

    /** The options both contrastive losses share, checked once for both builders. */
    static void checkOptions(float temperature, int maxAnchorsPerClass, PixelContrastiveLoss.PairSet pairSet) {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + temperature);
        }
        if (maxAnchorsPerClass < 0) {
            throw new IllegalArgumentException("maxAnchorsPerClass must be >= 0 (0 = no cap), got "
                    + maxAnchorsPerClass);
        }
        if (pairSet == null) {
            throw new IllegalArgumentException("pairSet must not be null; use PairSet.ALL for every pair");
        }
    }
}
