package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Mix Transformer encoder MiT-B0 … B5 (reference §6.1, SegFormer {@code mix_transformer.py}).
 *
 * <p>Input an image batch {@code (B, 3, H, W)} with H, W ≥ 32; output an {@link NDList} of four feature
 * maps {@code (B, C_i, H/s_i, W/s_i)} at strides 4, 8, 16, 32 (sizes follow the convolution arithmetic
 * for sizes that are not multiples of 32). Children {@code stage1} … {@code stage4}; every LayerNorm child
 * has {@code norm} in its name so an optimizer can exempt it from weight decay. Stochastic depth rises
 * linearly from 0 to the drop-path rate over all blocks and is active only when {@code training}.
 */
public final class MixTransformer extends AbstractBlock {

    private final MitVariant variant;
    private final double dropPathRate;
    private final RandomDrop drop;
    private final List<MitStage> stages = new ArrayList<>();

    private MixTransformer(Builder builder) {
        this.variant = builder.variant;
        this.dropPathRate = builder.dropPathRate;
        SplittableRandom root = new SplittableRandom(builder.seed);
        SeededInit init = new SeededInit(root.split());
        drop = new RandomDrop(root.split());
        double[] rates = linspace(dropPathRate, variant.totalDepth());
        int first = 0;
        for (int s = 0; s < 4; s++) {
            stages.add(addChildBlock("stage" + (s + 1), new MitStage(variant, s, rates, first, init, drop)));
            first += variant.depth(s);
        }
    }

    /** A builder; {@link Builder#setVariant} is required. */
    public static Builder builder() {
        return new Builder();
    }

    public MitVariant getVariant() {
        return variant;
    }

    public double getDropPathRate() {
        return dropPathRate;
    }

    /**
     * Runs the encoder.
     *
     * @param ps the parameter store
     * @param image {@code (B, 3, H, W)}
     * @param training true for a training pass (enables stochastic depth)
     * @return the four stage outputs {@code (B, C_i, H/s_i, W/s_i)}, strides 4, 8, 16, 32
     */
    public NDList features(ParameterStore ps, NDArray image, boolean training) {
        NDList out = new NDList(4);
        NDArray x = image;
        for (MitStage stage : stages) {
            x = stage.apply(ps, x, training);
            out.add(x);
        }
        return out;
    }

    /** The source of stochastic-depth masks, shared by all blocks. */
    RandomDrop randomDrop() {
        return drop;
    }

    /** The drop-path rate of every block in order (stage 1 block 0 first). */
    double[] blockDropPathRates() {
        return stages.stream().flatMap(s -> s.blocks().stream()).mapToDouble(MitBlock::dropPathRate).toArray();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return features(ps, inputs.singletonOrThrow(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[4];
        Shape[] current = inputShapes;
        for (int s = 0; s < 4; s++) {
            current = stages.get(s).getOutputShapes(current);
            out[s] = current[0];
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 4 || in.get(2) < 32 || in.get(3) < 32) {
            throw new IllegalArgumentException(
                    "MiT needs an input of shape (B, 3, H, W) with H, W >= 32, got " + in);
        }
        Shape[] current = inputShapes;
        for (MitStage stage : stages) {
            stage.initialize(manager, dataType, current);
            current = stage.getOutputShapes(current);
        }
    }

    private static double[] linspace(double end, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = n == 1 ? 0 : end * i / (n - 1);
        }
        return v;
    }

    /** Builder of a {@link MixTransformer}. */
    public static final class Builder {

        private MitVariant variant;
        private double dropPathRate = 0.1;
        private long seed;

        private Builder() {}

        /** The encoder size, required. */
        public Builder setVariant(MitVariant variant) {
            this.variant = variant;
            return this;
        }

        /** Stochastic-depth rate of the last block, default 0.1 (reference §6.1); must be in [0, 1). */
        public Builder optDropPathRate(double dropPathRate) {
            this.dropPathRate = dropPathRate;
            return this;
        }

        /** Seed of the weight initialization and the stochastic-depth draws, default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Builds the encoder (uninitialized: call {@code initialize} with an input shape). */
        public MixTransformer build() {
            if (variant == null) {
                throw new IllegalArgumentException("variant is required: call setVariant(MitVariant.MIT_B5) or similar");
            }
            if (!(dropPathRate >= 0 && dropPathRate < 1)) {
                throw new IllegalArgumentException("dropPathRate must be in [0, 1), got " + dropPathRate);
            }
            return new MixTransformer(this);
        }
    }
}
