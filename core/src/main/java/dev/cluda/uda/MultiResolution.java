package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.loss.PixelCrossEntropy;
import dev.cluda.model.Bilinear;
import dev.cluda.model.HrdaFusion;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.Scalars;
import dev.cluda.transform.DetailBox;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.MultiResolutionCrop;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * HRDA's student pass (reference §6.3): the context crop resized by the LR scale, a detail crop at
 * full resolution, the scale attention from the LR features, and the fused prediction
 * {@code a·HR + (1 − a)·up(LR)} on the context crop's stride-4 grid.
 */
final class MultiResolution implements StudentPass {

    private final MultiResolutionStudent settings;
    private final SegmentationModel student;
    private final ParameterStore ps;
    private final NDArray lrImages;
    private final SegmentationModel.Output lr;
    private final SegmentationModel.Output hr;
    private final List<DetailBox> boxes;
    private final NDArray fused;
    private final int grid;

    /**
     * @param entropy whether this pass places its detail crops by the LR prediction's entropy (mixed
     *     images after {@code entropyCropStart}, §5.7)
     */
    MultiResolution(MultiResolutionStudent settings, SegmentationModel student, ParameterStore ps, NDManager step,
                    List<FloatImage> crops, boolean entropy, RandomGenerator random, int grid) {
        this.settings = settings;
        this.student = student;
        this.ps = ps;
        this.grid = grid;
        MultiResolutionCrop mr = settings.crop();
        List<FloatImage> low = new ArrayList<>(crops.size());
        for (FloatImage c : crops) {
            low.add(mr.lowResolution(c));
        }
        lrImages = HostBatch.images(step, low);
        lr = student.forwardAll(ps, lrImages, true);
        FloatImage first = crops.get(0);
        if (entropy) {
            // the detached LR prediction places the crop (§5.7); it draws nothing from the random stream
            boxes = settings.entropyCrop().choose(lr.logits().stopGradient().softmax(1));
        } else {
            List<DetailBox> drawn = new ArrayList<>(crops.size());
            for (int b = 0; b < crops.size(); b++) {
                drawn.add(mr.drawBox(first.width(), first.height(), random));
            }
            boxes = drawn;
        }
        List<FloatImage> details = new ArrayList<>(crops.size());
        for (int b = 0; b < crops.size(); b++) {
            details.add(boxes.get(b).crop(crops.get(b)));
        }
        hr = student.forwardAll(ps, HostBatch.images(step, details), true);
        NDArray attention = student.scaleAttention(ps, lr.encoderFeatures(), true);
        fused = HrdaFusion.fuse(lr.logits(), hr.logits(), attention, boxes, mr.scale(), settings.order());
    }

    @Override
    public NDArray crossEntropy(NDArray labels, NDArray weights) {
        long h = labels.getShape().get(1);
        long w = labels.getShape().get(2);
        NDArray loss = Scalars.mul(PixelCrossEntropy.compute(Bilinear.resize(fused, h, w, false), labels, weights),
                settings.fusedWeight());
        if (settings.hrWeight() > 0) {
            NDArray hrLabels = HrdaFusion.cropToBox(labels, boxes, 1);
            NDArray hrWeights = weights == null ? null : HrdaFusion.cropToBox(weights, boxes, 1);
            DetailBox box = boxes.get(0);
            loss = loss.add(Scalars.mul(PixelCrossEntropy.compute(
                    Bilinear.resize(hr.logits(), box.height(), box.width(), false), hrLabels, hrWeights),
                    settings.hrWeight()));
        }
        if (settings.lrWeight() > 0) {
            loss = loss.add(Scalars.mul(PixelCrossEntropy.compute(Bilinear.resize(lr.logits(), h, w, false), labels,
                    weights), settings.lrWeight()));
        }
        return loss;
    }

    /**
     * §5.4: LR fused features upsampled to the context crop's stride-4 grid (align_corners = True)
     * are the anchors; the HR fused features are written into a zero canvas of that grid at the
     * crop; both, the crop mask, the learned weight and the labels go to the dense grid.
     */
    @Override
    public NDArray contrast(ContrastTerm term, NDArray labels, NDArray confidence, NDArray sourceMask,
                            RandomGenerator random) {
        long gh = fused.getShape().get(2);
        long gw = fused.getShape().get(3);
        List<DetailBox> onFeatureGrid = new ArrayList<>(boxes.size());
        for (DetailBox box : boxes) {
            onFeatureGrid.add(box.onGrid(HrdaFusion.OUTPUT_STRIDE, "the HR features' stride"));
        }
        NDArray lrUp = Bilinear.resize(lr.fused(), gh, gw, true);
        NDArray canvas = HrdaFusion.place(hr.fused(), onFeatureGrid, gh, gw);
        NDArray mask = HrdaFusion.boxMask(canvas, onFeatureGrid, gh, gw).squeeze(1);
        NDArray weight;
        if (settings.featureWeightHead()) {
            NDArray w = Bilinear.resize(student.featureWeight(ps, lr.encoderFeatures(), true), gh, gw, true);
            weight = Bilinear.resize(w, grid, grid, true).squeeze(1);
        } else {
            weight = Scalars.mul(Bilinear.nearest(mask, grid, grid).onesLike(), 0.5);
        }
        NDArray pi = confidence == null ? null : SingleResolution.onGrid(confidence, grid);
        return term.multi().compute(SingleResolution.features(lrUp, grid),
                PixelContrastiveLoss.l2NormalizePerPixel(Bilinear.resize(canvas, grid, grid, true)),
                Bilinear.nearest(labels, grid, grid), Bilinear.nearest(mask, grid, grid), weight, pi,
                SingleResolution.domains(sourceMask, grid), random);
    }

    @Override
    public NDArray lastStage() {
        return lr.lastStage();
    }

    @Override
    public NDArray encoderInput() {
        return lrImages;
    }
}
