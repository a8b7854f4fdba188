package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * mmcv {@code DepthwiseSeparableConvModule} of the DAFormer ASPP (reference §6.2): a dilated 3×3 depthwise
 * {@link ConvBnRelu} ({@code depthwise}) then a 1×1 {@link ConvBnRelu} ({@code pointwise}).
 * {@code (B, Cin, H, W)} → {@code (B, out, H, W)}.
 */
final class SeparableConvBnRelu extends SingleInputBlock {

    private final ConvBnRelu depthwise;
    private final ConvBnRelu pointwise;

    SeparableConvBnRelu(int in, int out, int dilation, SeededInit init) {
        depthwise = addChildBlock("depthwise", new ConvBnRelu(in, 3, dilation, in, init));
        pointwise = addChildBlock("pointwise", new ConvBnRelu(out, 1, 1, 1, init));
    }

    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        return pointwise.apply(ps, depthwise.apply(ps, x, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return pointwise.getOutputShapes(depthwise.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        depthwise.initialize(manager, dataType, inputShapes);
        pointwise.initialize(manager, dataType, depthwise.getOutputShapes(inputShapes));
    }
}
