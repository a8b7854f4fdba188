package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * MiT overlapping patch embedding (reference §6.1): Conv2d(kernel k, stride s, padding k/2, bias) then
 * LayerNorm (eps 1e-5) over channels. Input {@code (B, Cin, H, W)}, output channels-last
 * {@code (B, H', W', E)} with {@code H' = floor((H + 2·(k/2) − k)/s) + 1}.
 */
final class OverlapPatchEmbed extends SingleInputBlock {

    private final Conv2d proj;
    private final LayerNorm norm;

    OverlapPatchEmbed(int embedDim, int patch, int stride, SeededInit init) {
        proj = addChildBlock("proj", Conv2d.builder()
                .setKernelShape(new Shape(patch, patch))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(patch / 2, patch / 2))
                .setFilters(embedDim)
                .build());
        proj.setInitializer(init.convFanOut(1), Parameter.Type.WEIGHT);
        proj.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        norm = addChildBlock("norm", MitBlock.layerNorm(1e-5f));
    }

    /** {@code (B, Cin, H, W)} → {@code (B, H', W', E)}. */
    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = proj.forward(ps, new NDList(x), training).head().transpose(0, 2, 3, 1);
        return norm.forward(ps, new NDList(y), training).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape c = proj.getOutputShapes(inputShapes)[0];
        return new Shape[] {new Shape(c.get(0), c.get(2), c.get(3), c.get(1))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        proj.initialize(manager, dataType, inputShapes);
        norm.initialize(manager, dataType, getOutputShapes(inputShapes));
    }
}
