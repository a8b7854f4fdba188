package dev.cluda.uda;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import dev.cluda.loss.FeatureDistanceLoss;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.model.ModelSpec;
import dev.cluda.model.SegmentationModel;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.transform.TransformedSample;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The models and step of the CLUDA step tests: MiT-B0 with a 16-wide head (seed 7), its frozen
 * teacher and ImageNet copies in one manager, and steps built as the Trainer builds them.
 */
final class StepModels implements AutoCloseable {

    static final int SIZE = 64;
    static final ModelSpec SPEC = new ModelSpec("mit_b0", 16, 16, 19, 0.1);
    static final double SOURCE_CL_WEIGHT = 0.5;
    static final double MIXED_CL_WEIGHT = 2.0;

    private final NDManager root = NDManager.newBaseManager();
    private final SegmentationModel student = SegmentationModel.createInitialized(SPEC, 7, root);
    private final SegmentationModel teacher = frozenCopy(student);
    private final SegmentationModel imagenet = frozenCopy(student);

    NDManager root() {
        return root;
    }

    SegmentationModel student() {
        return student;
    }

    SegmentationModel teacher() {
        return teacher;
    }

    SegmentationModel imagenet() {
        return imagenet;
    }

    CludaStep step(boolean uda, boolean fd, boolean sourceCl, boolean mixedCl) {
        return builder(uda, fd, sourceCl, mixedCl, 0, PixelContrastiveLoss.builder().build()).build();
    }

    /** The step of the tests: grid 9, teacher in batch-statistics mode, blur on, as the Trainer builds it. */
    CludaStep.Builder builder(boolean uda, boolean fd, boolean sourceCl, boolean mixedCl, long clStart,
                              PixelContrastiveLoss contrast) {
        CludaStep.Builder b = CludaStep.builder().setStudent(student).optGrid(9).optContrastStart(clStart);
        if (uda) {
            b.optSelfTraining(teacher, new EmaTeacher(0.999),
                    PseudoLabelSource.onlineTeacher(teacher, new PseudoLabeler(0.968), PseudoMargins.none(), true),
                    new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2), true);
        }
        if (fd) {
            b.optFeatureDistance(imagenet, FeatureDistanceLoss.builder().optLambda(0.005f).optMinRatio(0.75f).build());
        }
        if (sourceCl) {
            b.optSourceContrast(contrast, SOURCE_CL_WEIGHT);
        }
        if (mixedCl) {
            b.optMixedContrast(contrast, MIXED_CL_WEIGHT);
        }
        return b;
    }

    /** As the Trainer freezes the teacher and the ImageNet model: no gradients, no dropout. */
    SegmentationModel frozenCopy(SegmentationModel model) {
        SegmentationModel copy = model.copy(root);
        for (Pair<String, Parameter> p : copy.getParameters()) {
            p.getValue().getArray().setRequiresGradient(false);
        }
        copy.setDropoutEnabled(false);
        return copy;
    }

    static CludaStep.Randomness randomness(long t) {
        return new CludaStep.Randomness(new SplittableRandom(100 + t), new SplittableRandom(200 + t),
                new SplittableRandom(300 + t), new SplittableRandom(400 + t));
    }

    /** Every parameter's values (BatchNorm running statistics included), in parameter order. */
    static float[][] values(SegmentationModel model) {
        ParameterList ps = model.getParameters();
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ps.get(i).getValue().getArray().toFloatArray();
        }
        return out;
    }

    /** Two normalised random crops; labelled ones are four quadrants road / building / person / car. */
    static List<TransformedSample> batch(long seed, boolean labelled) {
        return StepCrops.crops(seed, labelled, SIZE);
    }

    @Override
    public void close() {
        root.close();
    }
}
