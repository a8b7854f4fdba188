package dev.cluda.train;

import dev.cluda.optim.ParameterGroups;
import dev.cluda.optim.LearningRateSchedule;
import dev.cluda.optim.GroupedAdamW;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigError;
import dev.cluda.config.HrdaConfig;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.config.ContrastiveConfig;
import dev.cluda.config.TrainConfig;
import dev.cluda.config.UdaConfig;
import dev.cluda.loss.FeatureDistanceLoss;
import dev.cluda.model.SegmentationModel;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.uda.CludaStep;
import dev.cluda.uda.EmaTeacher;
import dev.cluda.model.HrdaFusion;
import dev.cluda.uda.MultiResolutionStudent;
import dev.cluda.uda.PseudoLabelSource;
import dev.cluda.uda.PseudoLabeler;
import dev.cluda.uda.PseudoMargins;
import java.util.List;

/** Builds the optimizer and the UDA step from the typed configuration, in one place. */
final class TrainingComponents {

    private TrainingComponents() {
    }

    /** AdamW with the §7 groups: {@code head} lr × {@code train.headLrMultiplier}, no decay on norms. */
    static GroupedAdamW optimizer(CludaConfig config, SegmentationModel student) {
        TrainConfig t = config.train();
        LearningRateSchedule schedule = new LearningRateSchedule(t.lr(), t.iters(), t.polyPower(), 0,
                t.warmupIters(), t.warmupRatio());
        ParameterGroups groups = ParameterGroups.of(List.of(
                new ParameterGroups.Rule("head", t.headLrMultiplier(), 1.0),
                new ParameterGroups.Rule("norm", 1.0, 0.0),
                new ParameterGroups.Rule("pos_block", 1.0, 0.0)));
        return GroupedAdamW.builder()
                .setParameters(student.getParameters())
                .setSchedule(schedule)
                .optGroups(groups)
                .optWeightDecays((float) t.weightDecay())
                .build();
    }

    /** How the run evaluates: whole images, or HRDA's sliding windows (reference §9). */
    static SegmentationEvaluator evaluator(CludaConfig config) {
        return new SegmentationEvaluator(config.eval().size(), config.hrda().inference());
    }

    /**
     * The CLUDA step of {@code config} (reference §1): self-training with the online teacher or
     * stored pseudo-labels, the feature distance and the contrastive terms as switched on.
     *
     * @param teacher the EMA teacher, or null without self-training
     * @param imagenet the frozen initial model, or null without the feature distance
     * @param concurrentPasses run the passes side by side where that helps ({@code train.concurrentPasses})
     */
    static CludaStep step(CludaConfig config, SegmentationModel student, SegmentationModel teacher,
                          SegmentationModel imagenet, boolean concurrentPasses) {
        UdaConfig uda = config.uda();
        ContrastiveConfig cl = config.contrastive();
        if (cl.mixed() && !uda.enabled()) {
            throw new ConfigError("contrastive.mixed = true needs uda.enabled = true (there is no mixed"
                    + " image without the teacher); set contrastive.mixed = false for supervised runs");
        }
        CludaStep.Builder step = CludaStep.builder().setStudent(student)
                .optContrastStart(cl.startIteration()).optGrid(cl.grid())
                .optConcurrentPasses(concurrentPasses);
        HrdaConfig hrda = config.hrda();
        HrdaFusion.Order order = hrda.fusionOrder() == HrdaConfig.FusionOrder.HRDA ? HrdaFusion.Order.HRDA
                : HrdaFusion.Order.CLUDA;
        if (hrda.enabled()) {
            TrainConfig train = config.train();
            step.optMultiResolution(new MultiResolutionStudent(hrda.multiResolutionCrop(), order,
                    hrda.fusedLossWeight(), hrda.hrLossWeight(), hrda.lrLossWeight(), hrda.inferenceWindow().width(),
                    hrda.inferenceStride().width(),
                    hrda.entropyCrop() ? hrda.entropyCrop(train.cropWidth(), train.cropHeight()) : null,
                    hrda.entropyCropStartIteration(), student.getFeatureWeightHead() != null));
        }
        if (uda.enabled()) {
            PseudoLabeler labeler = new PseudoLabeler(uda.pseudoThreshold());
            PseudoMargins margins = new PseudoMargins(uda.marginTop(), uda.marginBottom(), uda.marginLeft(),
                    uda.marginRight());
            PseudoLabelSource pseudoLabels;
            if (uda.hasPrecomputedPseudoLabels()) {
                pseudoLabels = PseudoLabelSource.stored(labeler, margins);
            } else if (hrda.enabled()) {
                // the margins come with the crops, built at full image size (§2.3, HRDA style)
                pseudoLabels = PseudoLabelSource.onlineMultiResolutionTeacher(teacher, labeler, PseudoMargins.none(),
                        uda.teacherBatchStats(), hrda.scale(), hrda.inferenceWindow().width(),
                        hrda.inferenceStride().width(), order);
            } else {
                pseudoLabels = PseudoLabelSource.onlineTeacher(teacher, labeler, margins, uda.teacherBatchStats());
            }
            step.optSelfTraining(teacher, new EmaTeacher(uda.emaAlpha()), pseudoLabels,
                    new PhotometricAugmentation(Normalize.imageNet(), uda.colorJitterStrength(),
                            uda.colorJitterProbability()), uda.blur());
        }
        if (uda.fdEnabled()) {
            step.optFeatureDistance(imagenet, FeatureDistanceLoss.builder().optLambda((float) uda.fdLambda())
                    .optMinRatio((float) uda.fdMinRatio()).build());
        }
        if (cl.source()) {
            step.optSourceContrast(cl.sourceLoss(),
                    hrda.enabled() ? cl.multiResolutionSourceLoss(hrda.contrast()) : null, cl.sourceWeight());
        }
        if (cl.mixed()) {
            step.optMixedContrast(cl.mixedLoss(),
                    hrda.enabled() ? cl.multiResolutionMixedLoss(hrda.contrast()) : null, cl.mixedWeight(),
                    cl.confidenceWeights());
        }
        if (config.mic().enabled()) {
            step.optMaskedConsistency(config.mic().mask(), config.mic().lambda(), config.mic().contrastive());
        }
        return step.build();
    }
}
