package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.cluda.model.Bilinear;
import dev.cluda.model.HrdaFusion;
import dev.cluda.model.HrdaInference;
import dev.cluda.model.SegmentationModel;
import dev.cluda.transform.TransformedSample;
import java.util.List;

/**
 * Where the mixed pass's target labels come from (reference §1 step 5): the EMA teacher run on
 * the target crops ({@link #onlineTeacher}), or pseudo-labels stored by {@code cluda pseudo-labels}
 * that the crops carry ({@link #stored}). Either way the per-image confidence weight of §2.2 and
 * the ignored margins of §2.3 apply.
 */
public interface PseudoLabelSource {

    /**
     * Pseudo-labels of the target crops at {@code height × width}, attached to {@code step}.
     *
     * @param ps the iteration's parameter store (for a model forward)
     */
    PseudoLabels label(NDManager step, ParameterStore ps, List<TransformedSample> target, int height, int width);

    /**
     * The teacher's arg-max on the target crops, without dropout and with BatchNorm in batch mode
     * when {@code batchStatistics} (as released, reference §13).
     */
    static PseudoLabelSource onlineTeacher(SegmentationModel teacher, PseudoLabeler labeler, PseudoMargins margins,
                                           boolean batchStatistics) {
        return (step, ps, target, height, width) -> {
            NDArray xt = HostBatch.images(step, target.stream().map(TransformedSample::image).toList());
            teacher.setDropoutEnabled(false);
            NDArray logits = teacher.forward(ps, new NDList(xt), batchStatistics).get(0);
            return label(step, labeler, margins, target, Bilinear.resize(logits, height, width, false).stopGradient());
        };
    }

    /**
     * HRDA's teacher (reference §6.3): whole-crop LR inference fused, unmasked, with the HR branch
     * run as a sliding window over the crop.
     */
    static PseudoLabelSource onlineMultiResolutionTeacher(SegmentationModel teacher, PseudoLabeler labeler,
                                                          PseudoMargins margins, boolean batchStatistics, double scale,
                                                          int window, int stride, HrdaFusion.Order order) {
        return (step, ps, target, height, width) -> {
            NDArray xt = HostBatch.images(step, target.stream().map(TransformedSample::image).toList());
            teacher.setDropoutEnabled(false);
            NDArray logits = HrdaInference.predict(teacher, ps, xt, scale, window, stride, order, batchStatistics);
            return label(step, labeler, margins, target, Bilinear.resize(logits, height, width, false).stopGradient());
        };
    }

    /**
     * With validity masks on the crops (margins built at full size and cropped with the image, HRDA
     * style, §2.3) those apply; otherwise {@code margins} on the crop itself (DAFormer style).
     */
    private static PseudoLabels label(NDManager step, PseudoLabeler labeler, PseudoMargins margins,
                                      List<TransformedSample> target, NDArray logits) {
        if (target.get(0).validMask() != null) {
            NDArray validity = HostBatch.planes(step, target.stream().map(TransformedSample::validMask).toList(),
                    (int) logits.getShape().get(2), (int) logits.getShape().get(3));
            return labeler.label(logits, validity);
        }
        return labeler.label(logits, margins);
    }

    /**
     * Labels and max probabilities stored with each crop ({@link TransformedSample#confidence()}),
     * weighted by the same rule as the teacher's.
     *
     * @throws IllegalArgumentException at labelling time if a crop carries no stored pseudo-label
     */
    static PseudoLabelSource stored(PseudoLabeler labeler, PseudoMargins margins) {
        return (step, ps, target, height, width) -> {
            for (TransformedSample s : target) {
                if (s.label() == null || s.confidence() == null) {
                    throw new IllegalArgumentException("uda.pseudoLabels = precomputed, but a target crop carries no"
                            + " stored pseudo-label; the sampler must read them (uda.pseudoLabelDir)");
                }
            }
            NDArray confidence = HostBatch.planes(step, target.stream().map(TransformedSample::confidence).toList(),
                    height, width);
            NDArray labels = HostBatch.labels(step, target.stream().map(TransformedSample::label).toList());
            return labeler.fromProbabilities(confidence, labels, margins.validityMask(step, width, height));
        };
    }
}
