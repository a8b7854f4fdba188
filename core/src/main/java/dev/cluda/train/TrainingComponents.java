package dev.cluda.train;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.ContrastiveConfig;
import dev.cluda.config.TrainConfig;
import dev.cluda.config.UdaConfig;
import dev.cluda.loss.FeatureDistanceLoss;
import dev.cluda.model.SegmentationModel;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.uda.CludaStep;
import dev.cluda.uda.EmaTeacher;
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

    static CludaStep step(CludaConfig config, SegmentationModel student, SegmentationModel teacher,
                          SegmentationModel imagenet) {
        UdaConfig uda = config.uda();
        ContrastiveConfig cl = config.contrastive();
        if (cl.mixed() && !uda.enabled()) {
            throw new IllegalArgumentException("contrastive.mixed = true needs uda.enabled = true (there is no mixed"
                    + " image without the teacher); set contrastive.mixed = false for supervised runs");
        }
        CludaStep.Terms terms = new CludaStep.Terms(uda.enabled(), uda.fdEnabled(), cl.source(), cl.mixed(),
                cl.sourceWeight(), cl.mixedWeight(), cl.startIteration(), cl.grid(), uda.teacherBatchStats(), uda.blur());
        return new CludaStep(terms, student, teacher, imagenet,
                new EmaTeacher(uda.emaAlpha()),
                new PseudoLabeler(uda.pseudoThreshold()),
                new PseudoMargins(uda.marginTop(), uda.marginBottom(), uda.marginLeft(), uda.marginRight()),
                new PhotometricAugmentation(Normalize.imageNet(), uda.colorJitterStrength(),
                        uda.colorJitterProbability()),
                cl.sourceLoss(), cl.mixedLoss(),
                FeatureDistanceLoss.builder().optLambda((float) uda.fdLambda()).optMinRatio((float) uda.fdMinRatio())
                        .build());
    }
}
