package dev.cluda.model;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.random.RandomGenerator;

/**
 * Stochastic depth (timm {@code drop_path}) and channel dropout (torch {@code Dropout2d}) with an injected
 * random source; both are the identity outside training, at rate 0 or while disabled. Not thread-safe: one
 * training thread.
 *
 * <p>The source is re-seeded by the trainer at the start of every iteration from (seed, rank, iteration),
 * so a resumed run draws the same masks (DJL cannot save libtorch's generator; this one is Java's).
 * Disabling keeps {@code training}'s other effect (BatchNorm batch statistics): the EMA teacher
 * pseudo-labels that way, as the released code does (reference §2.1).
 */
final class RandomDrop {

    private RandomGenerator random;
    private boolean enabled = true;

    RandomDrop(RandomGenerator random) {
        this.random = random;
    }

    /** Replaces the random source, e.g. with one derived from the iteration. */
    void reseed(long seed) {
        random = new java.util.SplittableRandom(seed);
    }

    /** Turns dropping on or off without touching BatchNorm's mode. */
    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Zeroes whole samples of {@code x (B, …)} with probability {@code rate} and scales the others by
     * {@code 1/(1 − rate)} (reference §6.1).
     */
    NDArray dropPath(NDArray x, double rate, boolean training) {
        if (!training || rate <= 0 || !enabled) {
            return x;
        }
        long[] dims = new long[x.getShape().dimension()];
        java.util.Arrays.fill(dims, 1L);
        dims[0] = x.getShape().get(0);
        return applyMask(x, new Shape(dims), rate);
    }

    /**
     * Zeroes whole channels of {@code x (B, C, H, W)} independently per sample with probability
     * {@code rate} and scales the others by {@code 1/(1 − rate)} (reference §6.2 step 4).
     */
    NDArray dropChannels(NDArray x, double rate, boolean training) {
        if (!training || rate <= 0 || !enabled) {
            return x;
        }
        Shape s = x.getShape();
        return applyMask(x, new Shape(s.get(0), s.get(1), 1, 1), rate);
    }

    private NDArray applyMask(NDArray x, Shape maskShape, double rate) {
        double keep = 1 - rate;
        float[] mask = new float[Math.toIntExact(maskShape.size())];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < keep ? (float) (1 / keep) : 0f;
        }
        NDManager parent = x.getManager();
        try (NDManager sub = parent.newSubManager(x.getDevice())) {
            NDArray m = HostArrays.create(sub, mask, maskShape).toType(x.getDataType(), false);
            NDArray result = x.mul(m);
            result.attach(parent);
            return result;
        }
    }
}
