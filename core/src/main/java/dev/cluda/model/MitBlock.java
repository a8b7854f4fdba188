package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * One pre-norm MiT transformer block (reference §6.1, SegFormer {@code Block}):
 * {@code x += DropPath(Attn(LN(x)))}, {@code x += DropPath(MixFFN(LN(x)))}, LayerNorm eps 1e-6.
 * Input and output channels-last {@code (B, H, W, C)}.
 */
final class MitBlock extends TokenBlock {

    private final LayerNorm norm1;
    private final EfficientAttention attn;
    private final LayerNorm norm2;
    private final MixFfn mlp;
    private final double dropPathRate;
    private final RandomDrop drop;

    MitBlock(int dim, int heads, int srRatio, int mlpRatio, double dropPathRate, SeededInit init,
            RandomDrop drop) {
        norm1 = addChildBlock("norm1", layerNorm(1e-6f));
        attn = addChildBlock("attn", new EfficientAttention(dim, heads, srRatio, init));
        norm2 = addChildBlock("norm2", layerNorm(1e-6f));
        mlp = addChildBlock("mlp", new MixFfn(dim, dim * mlpRatio, init));
        this.dropPathRate = dropPathRate;
        this.drop = drop;
    }

    /** LayerNorm over the last (channel) axis of a channels-last 4-D array, gamma 1 and beta 0. */
    static LayerNorm layerNorm(float eps) {
        LayerNorm norm = LayerNorm.builder().axis(3).optEpsilon(eps).build();
        norm.setInitializer(Initializer.ONES, Parameter.Type.GAMMA);
        norm.setInitializer(Initializer.ZEROS, Parameter.Type.BETA);
        return norm;
    }

    /** Linear with bias over the last axis; MiT init (weight normal std 0.02, bias 0). */
    static Linear linear(long units, SeededInit init) {
        Linear linear = Linear.builder().setUnits(units).build();
        linear.setInitializer(init.normal(0.02), Parameter.Type.WEIGHT);
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return linear;
    }

    /** {@code (B, H, W, C)} → {@code (B, H, W, C)}. */
    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        NDArray a = attn.apply(ps, norm1.forward(ps, new NDList(x), training).head(), training);
        x = x.add(drop.dropPath(a, dropPathRate, training));
        NDArray f = mlp.apply(ps, norm2.forward(ps, new NDList(x), training).head(), training);
        return x.add(drop.dropPath(f, dropPathRate, training));
    }

    double dropPathRate() {
        return dropPathRate;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm1.initialize(manager, dataType, inputShapes);
        attn.initialize(manager, dataType, inputShapes);
        norm2.initialize(manager, dataType, inputShapes);
        mlp.initialize(manager, dataType, inputShapes);
    }
}
