package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.loss.PixelCrossEntropy;
import dev.cluda.model.Bilinear;
import dev.cluda.model.SegmentationModel;
import dev.cluda.transform.FloatImage;
import java.util.List;
import java.util.random.RandomGenerator;

/** DAFormer's student pass: the whole crop at one resolution (reference §6.2). */
final class SingleResolution implements StudentPass {

    private final SegmentationModel.Output out;
    private final NDArray images;
    private final int grid;

    SingleResolution(SegmentationModel student, ParameterStore ps, NDManager step, List<FloatImage> crops, int grid) {
        this.images = HostBatch.images(step, crops);
        this.out = student.forwardAll(ps, images, true);
        this.grid = grid;
    }

    @Override
    public NDArray crossEntropy(NDArray labels, NDArray weights) {
        long h = labels.getShape().get(1);
        long w = labels.getShape().get(2);
        return PixelCrossEntropy.compute(Bilinear.resize(out.logits(), h, w, false), labels, weights);
    }

    @Override
    public NDArray contrast(ContrastTerm term, NDArray labels, NDArray confidence, NDArray sourceMask,
                            RandomGenerator random) {
        NDArray pi = confidence == null ? null : onGrid(confidence, grid);
        return term.single().compute(features(out.fused(), grid), Bilinear.nearest(labels, grid, grid), pi,
                domains(sourceMask, grid), random);
    }

    @Override
    public NDArray lastStage() {
        return out.lastStage();
    }

    @Override
    public NDArray encoderInput() {
        return images;
    }

    /** Fused features on the dense contrastive grid, L2-normalised per pixel (§5.1-5.2: align_corners = True). */
    static NDArray features(NDArray fused, int grid) {
        return PixelContrastiveLoss.l2NormalizePerPixel(Bilinear.resize(fused, grid, grid, true));
    }

    /** A {@code (B, H, W)} weight plane on the grid, bilinear with align_corners = True (§5.2). */
    static NDArray onGrid(NDArray plane, int grid) {
        return Bilinear.resize(plane.expandDims(1), grid, grid, true).squeeze(1);
    }

    /** Domain codes on the grid: {@link PixelContrastiveLoss#SOURCE} = 0 where pasted, else 1; null for one domain. */
    static NDArray domains(NDArray sourceMask, int grid) {
        return sourceMask == null ? null
                : Bilinear.nearest(sourceMask, grid, grid).neg().add(1).toType(DataType.INT32, false);
    }
}
