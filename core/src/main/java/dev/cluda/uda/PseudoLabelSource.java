package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.cluda.model.Bilinear;
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
            return labeler.label(Bilinear.resize(logits, height, width, false).stopGradient(), margins);
        };
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
