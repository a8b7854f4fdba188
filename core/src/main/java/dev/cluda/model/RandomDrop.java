package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.random.RandomGenerator;

/**
 * Stochastic depth (timm {@code drop_path}) and channel dropout (torch {@code Dropout2d}) with an injected
 * random source; both are the identity outside training or at rate 0. Not thread-safe: one training thread.
 */
final class RandomDrop {

    private final RandomGenerator random;

    RandomDrop(RandomGenerator random) {
        this.random = random;
    }

    /**
     * Zeroes whole samples of {@code x (B, …)} with probability {@code rate} and scales the others by
     * {@code 1/(1 − rate)} (reference §6.1).
     */
    NDArray dropPath(NDArray x, double rate, boolean training) {
        if (!training || rate <= 0) {
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
        if (!training || rate <= 0) {
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
            NDArray m = sub.create(mask, maskShape).toType(x.getDataType(), false);
            NDArray result = x.mul(m);
            result.attach(parent);
            return result;
        }
    }
}
