package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * DAFormer context-aware fusion (reference §6.2 step 3, DAFormer {@code ASPPWrapper} with
 * {@code sep=True}, no image pooling): branches with dilations 1, 6, 12, 18 — d = 1 a 1×1
 * {@link ConvBnRelu}, d &gt; 1 a dilated {@link SeparableConvBnRelu} — each {@code width} channels,
 * concatenated and fused by a 3×3 {@link ConvBnRelu} bottleneck to {@code width} channels.
 * {@code (B, Cin, H, W)} → {@code (B, width, H, W)}. Children {@code branch1}, {@code branch6},
 * {@code branch12}, {@code branch18}, {@code bottleneck}.
 */
final class AsppFusion extends SingleInputBlock {

    static final int[] DILATIONS = {1, 6, 12, 18};

    private final ConvBnRelu branch1;
    private final SeparableConvBnRelu[] dilated = new SeparableConvBnRelu[DILATIONS.length - 1];
    private final ConvBnRelu bottleneck;

    AsppFusion(int in, int width, SeededInit init) {
        branch1 = addChildBlock("branch1", new ConvBnRelu(width, 1, 1, 1, init));
        for (int i = 1; i < DILATIONS.length; i++) {
            dilated[i - 1] = addChildBlock("branch" + DILATIONS[i],
                    new SeparableConvBnRelu(in, width, DILATIONS[i], init));
        }
        bottleneck = addChildBlock("bottleneck", new ConvBnRelu(width, 3, 1, 1, init));
    }

    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        NDList branches = new NDList(DILATIONS.length);
        branches.add(branch1.apply(ps, x, training));
        for (SeparableConvBnRelu branch : dilated) {
            branches.add(branch.apply(ps, x, training));
        }
        return bottleneck.apply(ps, NDArrays.concat(branches, 1), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return bottleneck.getOutputShapes(concatShape(inputShapes[0]));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        branch1.initialize(manager, dataType, inputShapes);
        for (SeparableConvBnRelu branch : dilated) {
            branch.initialize(manager, dataType, inputShapes);
        }
        bottleneck.initialize(manager, dataType, concatShape(inputShapes[0]));
    }

    private Shape[] concatShape(Shape in) {
        long width = branch1.getOutputShapes(new Shape[] {in})[0].get(1);
        return new Shape[] {new Shape(in.get(0), width * DILATIONS.length, in.get(2), in.get(3))};
    }
}
