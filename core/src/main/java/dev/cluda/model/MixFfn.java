package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * MiT Mix-FFN (reference §6.1): Linear(C→hidden) → 3×3 depthwise Conv2d(groups = hidden, bias) → GELU
 * (exact erf form) → Linear(hidden→C). Input and output channels-last {@code (B, H, W, C)}.
 */
final class MixFfn extends TokenBlock {

    private final Linear fc1;
    private final Conv2d dwconv;
    private final Linear fc2;

    MixFfn(int dim, int hidden, SeededInit init) {
        fc1 = addChildBlock("fc1", MitBlock.linear(hidden, init));
        dwconv = addChildBlock("dwconv", Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .optGroups(hidden)
                .setFilters(hidden)
                .build());
        dwconv.setInitializer(init.convFanOut(hidden), Parameter.Type.WEIGHT);
        dwconv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        fc2 = addChildBlock("fc2", MitBlock.linear(dim, init));
    }

    /** {@code (B, H, W, C)} → {@code (B, H, W, C)}. */
    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = fc1.forward(ps, new NDList(x), training).head().transpose(0, 3, 1, 2);
        h = Activation.gelu(dwconv.forward(ps, new NDList(h), training).head()).transpose(0, 2, 3, 1);
        return fc2.forward(ps, new NDList(h), training).head();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        fc1.initialize(manager, dataType, s);
        Shape hidden = fc1.getOutputShapes(new Shape[] {s})[0];
        dwconv.initialize(manager, dataType, new Shape(s.get(0), hidden.get(3), s.get(1), s.get(2)));
        fc2.initialize(manager, dataType, hidden);
    }
}
