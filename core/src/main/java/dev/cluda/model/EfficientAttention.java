package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.cluda.ndarray.Scalars;

/**
 * MiT efficient self-attention (reference §6.1, SegFormer {@code Attention}): q = Linear(C→C) on all
 * tokens; keys and values from {@code kv = Linear(C→2C)} on tokens spatially reduced by
 * Conv2d(kernel = stride = sr) + LayerNorm(eps 1e-5) when sr > 1; softmax(q·kᵀ/√d_head)·v over heads,
 * then Linear(C→C). Input and output channels-last {@code (B, H, W, C)}.
 */
final class EfficientAttention extends TokenBlock {

    private final int dim;
    private final int numHeads;
    private final float scale;
    private final Linear q;
    private final Linear kv;
    private final Linear proj;
    private final Conv2d sr;
    private final LayerNorm norm;

    EfficientAttention(int dim, int numHeads, int srRatio, SeededInit init) {
        if (dim % numHeads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not divisible by " + numHeads + " heads");
        }
        this.dim = dim;
        this.numHeads = numHeads;
        this.scale = (float) (1.0 / Math.sqrt(dim / numHeads));
        q = addChildBlock("q", MitBlock.linear(dim, init));
        kv = addChildBlock("kv", MitBlock.linear(2L * dim, init));
        proj = addChildBlock("proj", MitBlock.linear(dim, init));
        if (srRatio > 1) {
            sr = addChildBlock("sr", Conv2d.builder()
                    .setKernelShape(new Shape(srRatio, srRatio))
                    .optStride(new Shape(srRatio, srRatio))
                    .setFilters(dim)
                    .build());
            sr.setInitializer(init.convFanOut(1), Parameter.Type.WEIGHT);
            sr.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
            norm = addChildBlock("norm", MitBlock.layerNorm(1e-5f));
        } else {
            sr = null;
            norm = null;
        }
    }

    /** {@code (B, H, W, C)} → {@code (B, H, W, C)}. */
    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(1) * s.get(2);
        long headDim = dim / numHeads;
        NDArray query = q.forward(ps, new NDList(x), training).head()
                .reshape(b, n, numHeads, headDim).transpose(0, 2, 1, 3); // (B, h, N, d)
        NDArray source = x;
        if (sr != null) {
            NDArray reduced = sr.forward(ps, new NDList(x.transpose(0, 3, 1, 2)), training).head();
            source = norm.forward(ps, new NDList(reduced.transpose(0, 2, 3, 1)), training).head();
        }
        long m = source.getShape().get(1) * source.getShape().get(2);
        NDArray keyValue = kv.forward(ps, new NDList(source), training).head()
                .reshape(b, m, 2, numHeads, headDim).transpose(2, 0, 3, 1, 4); // (2, B, h, M, d)
        NDArray key = keyValue.get(0);
        NDArray value = keyValue.get(1);
        NDArray attn = Scalars.mul(query.matMul(key.transpose(0, 1, 3, 2)), scale).softmax(-1); // (B, h, N, M)
        NDArray out = attn.matMul(value).transpose(0, 2, 1, 3).reshape(s); // (B, H, W, C)
        return proj.forward(ps, new NDList(out), training).head();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0]; // (B, H, W, C)
        q.initialize(manager, dataType, s);
        Shape source = s;
        if (sr != null) {
            Shape channelsFirst = new Shape(s.get(0), s.get(3), s.get(1), s.get(2));
            sr.initialize(manager, dataType, channelsFirst);
            Shape r = sr.getOutputShapes(new Shape[] {channelsFirst})[0];
            source = new Shape(r.get(0), r.get(2), r.get(3), r.get(1));
            norm.initialize(manager, dataType, source);
        }
        kv.initialize(manager, dataType, source);
        proj.initialize(manager, dataType, s);
    }
}
