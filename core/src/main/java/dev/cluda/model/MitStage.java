package dev.cluda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * One MiT stage (reference §6.1): overlapping patch embedding, {@code depth} transformer blocks, stage
 * LayerNorm (eps 1e-6). Input {@code (B, Cin, H, W)}, output {@code (B, C, H/s, W/s)}.
 * Children in order: {@code patchEmbed}, {@code block0} … {@code block<depth-1>}, {@code norm}.
 */
final class MitStage extends SingleInputBlock {

    private final OverlapPatchEmbed patchEmbed;
    private final List<MitBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;

    MitStage(MitVariant variant, int stage, double[] dropPathRates, int firstBlock, SeededInit init,
            RandomDrop drop) {
        int patch = stage == 0 ? 7 : 3;
        int stride = stage == 0 ? 4 : 2;
        int dim = variant.dim(stage);
        patchEmbed = addChildBlock("patchEmbed", new OverlapPatchEmbed(dim, patch, stride, init));
        for (int j = 0; j < variant.depth(stage); j++) {
            blocks.add(addChildBlock("block" + j, new MitBlock(dim, variant.heads(stage),
                    variant.srRatio(stage), variant.mlpRatio(), dropPathRates[firstBlock + j], init, drop)));
        }
        norm = addChildBlock("norm", MitBlock.layerNorm(1e-6f));
    }

    /** {@code (B, Cin, H, W)} → {@code (B, C, H/s, W/s)}. */
    @Override
    NDArray forwardArray(ParameterStore ps, NDArray x, boolean training) {
        NDArray t = patchEmbed.apply(ps, x, training);
        for (MitBlock block : blocks) {
            t = block.apply(ps, t, training);
        }
        return norm.forward(ps, new NDList(t), training).head().transpose(0, 3, 1, 2);
    }

    List<MitBlock> blocks() {
        return List.copyOf(blocks);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape t = patchEmbed.getOutputShapes(inputShapes)[0];
        return new Shape[] {new Shape(t.get(0), t.get(3), t.get(1), t.get(2))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        patchEmbed.initialize(manager, dataType, inputShapes);
        Shape[] tokens = patchEmbed.getOutputShapes(inputShapes);
        for (MitBlock block : blocks) {
            block.initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
    }
}
