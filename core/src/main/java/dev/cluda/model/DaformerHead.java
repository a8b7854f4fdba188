package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.cluda.ndarray.Scopes;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The DAFormer decoder (reference §6.2, DAFormer {@code daformer_head.py}, sep-ASPP fusion by default;
 * a 1×1-conv fusion for HRDA's scale-attention head and CLUDA's feature-weight head, reference §6.3, §5.4).
 *
 * <p>Input the four encoder maps {@code (B, C_i, H_i, W_i)} (strides 4, 8, 16, 32). Each goes through a
 * linear embedding C_i → C_e (1×1 conv with bias, no norm or activation), is resized bilinearly
 * ({@code align_corners=false}) to the stride-4 size, and the four are concatenated (4·C_e channels);
 * the fusion ({@link Fusion#ASPP}: {@link AsppFusion}; {@link Fusion#CONV1X1}: one 1×1 {@link ConvBnRelu})
 * turns that into the fused feature {@code (B, F, H_0, W_0)}; Dropout2d then a 1×1 conv (with bias) give the
 * logits {@code (B, K, H_0, W_0)}. Children {@code embed1} … {@code embed4}, {@code fusion}, {@code cls};
 * BatchNorm children are named {@code bn}.
 */
public final class DaformerHead extends AbstractBlock {

    /** How the concatenated 4·C_e embedding is fused to F channels. */
    public enum Fusion {
        /** DAFormer's separable ASPP (reference §6.2 step 3); the default. */
        ASPP,
        /** One 1×1 conv without bias, BatchNorm, ReLU: HRDA's {@code fusion_cfg} type conv, kernel 1 (§6.3). */
        CONV1X1
    }

    private final int[] inChannels;
    private final int embedWidth;
    private final int fusedWidth;
    private final int numClasses;
    private final double dropoutRate;
    private final Fusion fusionKind;
    private final Conv2d[] embed = new Conv2d[4];
    private final SingleInputBlock fusion;
    private final Conv2d cls;
    private final RandomDrop drop;

    private DaformerHead(Builder b) {
        inChannels = b.inChannels.clone();
        embedWidth = b.embedWidth;
        fusedWidth = b.fusedWidth;
        numClasses = b.numClasses;
        dropoutRate = b.dropoutRate;
        fusionKind = b.fusion;
        SplittableRandom root = new SplittableRandom(b.seed);
        SeededInit init = new SeededInit(root.split());
        drop = new RandomDrop(root.split());
        for (int i = 0; i < 4; i++) {
            embed[i] = addChildBlock("embed" + (i + 1), conv1x1(embedWidth));
            embed[i].setInitializer(init.uniformFanIn(inChannels[i]), p -> true);
        }
        fusion = addChildBlock("fusion", fusionKind == Fusion.ASPP
                ? new AsppFusion(4 * embedWidth, fusedWidth, init)
                : new ConvBnRelu(fusedWidth, 1, 1, 1, init));
        cls = addChildBlock("cls", conv1x1(numClasses));
        cls.setInitializer(init.normal(0.01), Parameter.Type.WEIGHT);
        cls.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    }

    /** A builder; {@link Builder#setInChannels} and {@link Builder#setNumClasses} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the decoder.
     *
     * @param ps the parameter store
     * @param features the four encoder maps {@code (B, C_i, H_i, W_i)}, stride-4 map first
     * @param training true for a training pass (enables Dropout2d)
     * @return {@code (logits (B, K, H_0, W_0), fused feature (B, F, H_0, W_0))}
     */
    public NDList decode(ParameterStore ps, NDList features, boolean training) {
        if (features.size() != 4) {
            throw new IllegalArgumentException("DAFormer head needs 4 feature maps, got " + features.size());
        }
        // in a scope: the embeddings, their resized copies and the concatenation are freed on return
        return Scopes.apply(features, f -> {
            Shape s0 = f.get(0).getShape();
            NDList embedded = new NDList(4);
            for (int i = 0; i < 4; i++) {
                NDArray e = embed[i].forward(ps, new NDList(f.get(i)), training).head();
                embedded.add(Bilinear.resize(e, s0.get(2), s0.get(3), false));
            }
            NDArray fused = fusion.apply(ps, NDArrays.concat(embedded, 1), training);
            NDArray dropped = drop.dropChannels(fused, dropoutRate, training);
            NDArray logits = cls.forward(ps, new NDList(dropped), training).head();
            return new NDList(logits, fused);
        });
    }

    public int getFusedWidth() {
        return fusedWidth;
    }

    public int getNumClasses() {
        return numClasses;
    }

    public Fusion getFusion() {
        return fusionKind;
    }

    /** The source of Dropout2d masks. */
    RandomDrop randomDrop() {
        return drop;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return decode(ps, inputs, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s0 = inputShapes[0];
        return new Shape[] {
            new Shape(s0.get(0), numClasses, s0.get(2), s0.get(3)),
            new Shape(s0.get(0), fusedWidth, s0.get(2), s0.get(3))
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (inputShapes.length != 4) {
            throw new IllegalArgumentException("DAFormer head needs 4 input shapes, got " + inputShapes.length);
        }
        for (int i = 0; i < 4; i++) {
            if (inputShapes[i].get(1) != inChannels[i]) {
                throw new IllegalArgumentException("feature " + i + " has " + inputShapes[i].get(1)
                        + " channels but the head was built for " + Arrays.toString(inChannels));
            }
            embed[i].initialize(manager, dataType, inputShapes[i]);
        }
        Shape s0 = inputShapes[0];
        fusion.initialize(manager, dataType, new Shape(s0.get(0), 4L * embedWidth, s0.get(2), s0.get(3)));
        cls.initialize(manager, dataType, new Shape(s0.get(0), fusedWidth, s0.get(2), s0.get(3)));
    }

    private static Conv2d conv1x1(int out) {
        return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(out).build();
    }

    /** Builder of a {@link DaformerHead}. */
    public static final class Builder {

        private int[] inChannels;
        private int embedWidth = 256;
        private int fusedWidth = 256;
        private int numClasses;
        private double dropoutRate = 0.1;
        private Fusion fusion = Fusion.ASPP;
        private long seed;

        private Builder() {}

        /** The four encoder widths C_1 … C_4, required (e.g. {@code MitVariant.MIT_B5.dims()}). */
        public Builder setInChannels(int... inChannels) {
            this.inChannels = inChannels.clone();
            return this;
        }

        /** Number of classes K, required. */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Per-level embedding width C_e, default 256 (DAFormer; CLUDA uses 512, reference §5.1). */
        public Builder optEmbedWidth(int embedWidth) {
            this.embedWidth = embedWidth;
            return this;
        }

        /** Fused feature width F (each ASPP branch and the bottleneck, or the 1×1 fusion conv), default 256. */
        public Builder optFusedWidth(int fusedWidth) {
            this.fusedWidth = fusedWidth;
            return this;
        }

        /** Dropout2d rate before the classifier, default 0.1. */
        public Builder optDropoutRate(double dropoutRate) {
            this.dropoutRate = dropoutRate;
            return this;
        }

        /**
         * The fusion, default {@link Fusion#ASPP}; {@link Fusion#CONV1X1} for HRDA's scale-attention head
         * (reference §6.3).
         */
        public Builder optFusion(Fusion fusion) {
            this.fusion = fusion;
            return this;
        }

        /** Seed of the weight initialization and the dropout draws, default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Builds the head (uninitialized). */
        public DaformerHead build() {
            if (inChannels == null || inChannels.length != 4 || Arrays.stream(inChannels).anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("inChannels must be 4 positive encoder widths, got "
                        + Arrays.toString(inChannels) + "; call setInChannels(variant.dims())");
            }
            if (numClasses < 1) {
                throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses
                        + "; call setNumClasses(19) or similar");
            }
            if (embedWidth < 1 || fusedWidth < 1) {
                throw new IllegalArgumentException(
                        "embedWidth and fusedWidth must be >= 1, got " + embedWidth + " and " + fusedWidth);
            }
            if (fusion == null) {
                throw new IllegalArgumentException("fusion must be ASPP or CONV1X1, got null");
            }
            if (!(dropoutRate >= 0 && dropoutRate < 1)) {
                throw new IllegalArgumentException("dropoutRate must be in [0, 1), got " + dropoutRate);
            }
            return new DaformerHead(this);
        }
    }
}
