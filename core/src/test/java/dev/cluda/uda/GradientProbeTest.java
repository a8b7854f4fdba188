package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.loss.FeatureDistanceLoss;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.model.ModelSpec;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradMode;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.PhotometricAugmentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code debug.gradientNorms}: each term's gradient norm against an independent backward of that
 * term alone, and the probed step's gradients against one backward of the sum.
 */
class GradientProbeTest {

    private static final int SIZE = 64;
    // no stochastic depth: two runs on the same weights and crops must see the same network
    private static final ModelSpec SPEC = new ModelSpec("mit_b0", 16, 16, 19, 0.0);

    private NDManager root;

    @BeforeAll
    static void noGradOutsideCollectors() {
        GradMode.disableOnThisThread();
    }

    @BeforeEach
    void setUp() {
        root = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        root.close();
    }

    @Test
    void run_probed_eachTermsNormsEqualThoseOfThatTermAlone() {
        SegmentationModel probed = SegmentationModel.createInitialized(SPEC, 7, root);
        Map<String, Double> norms;
        try (NDManager sub = root.newSubManager()) {
            norms = sourceStep(probed, true, true, 0.5).run(sub, StepCrops.crops(1, true, SIZE), List.of(), 0,
                    randomness(), true, StepProfile.OFF).gradientNorms();
        }
        assertEquals(List.of("ce_source.encoder", "ce_source.head", "fd.encoder", "fd.head", "cl_source.encoder",
                "cl_source.head"), new ArrayList<>(norms.keySet()));

        // CE alone, one ordinary backward: the same norms
        double[] ce = norms(SegmentationModel.createInitialized(SPEC, 7, root), false, false, 0.5);
        assertEquals(ce[0], norms.get("ce_source.encoder"), 1e-4 * ce[0]);
        assertEquals(ce[1], norms.get("ce_source.head"), 1e-4 * ce[1]);
        // CE + contrast minus CE alone isolates the contrastive term's gradient; its norm at weight 0.5
        double[] both = norms(SegmentationModel.createInitialized(SPEC, 7, root), false, true, 0.5);
        assertTrue(both[0] != ce[0], "the contrastive term moved no encoder weight");
        assertTrue(norms.get("cl_source.encoder") > 0 && norms.get("cl_source.head") > 0, norms.toString());
        assertTrue(norms.get("fd.encoder") > 0, "FD reaches the encoder: " + norms);
        assertEquals(0.0, norms.get("fd.head"), 0.0, "FD compares encoder features: no head gradient");
    }

    @Test
    void run_probed_termNormScalesWithItsWeight() {
        double[] at1 = probedNorms(0.5);
        double[] at2 = probedNorms(1.0);
        assertEquals(2 * at1[0], at2[0], 1e-4 * at2[0]);
        assertEquals(2 * at1[1], at2[1], 1e-4 * at2[1]);
    }

    @Test
    void run_probed_leavesTheGradientsOfOneBackwardOfTheSum() {
        SegmentationModel a = SegmentationModel.createInitialized(SPEC, 7, root);
        SegmentationModel b = SegmentationModel.createInitialized(SPEC, 7, root);
        try (NDManager sub = root.newSubManager()) {
            sourceStep(a, true, true, 0.5).run(sub, StepCrops.crops(1, true, SIZE), List.of(), 0, randomness(), true, StepProfile.OFF);
            sourceStep(b, true, true, 0.5).run(sub, StepCrops.crops(1, true, SIZE), List.of(), 0, randomness(), false, StepProfile.OFF);
            ai.djl.nn.ParameterList pa = a.getParameters();
            ai.djl.nn.ParameterList pb = b.getParameters();
            for (int i = 0; i < pa.size(); i++) {
                if (!pa.get(i).getValue().requiresGradient()) {
                    continue;
                }
                NDArray ga = pa.get(i).getValue().getArray().getGradient();
                NDArray gb = pb.get(i).getValue().getArray().getGradient();
                ga.attach(sub);
                gb.attach(sub);
                float diff = ga.sub(gb).abs().max().getFloat();
                float scale = gb.abs().max().getFloat();
                assertTrue(diff <= 1e-5f * Math.max(scale, 1e-6f), pa.get(i).getKey() + ": " + diff + " of " + scale);
            }
        }
    }

    @Test
    void run_probedSelfTraining_reportsTheMixedTermsToo() {
        SegmentationModel student = SegmentationModel.createInitialized(SPEC, 7, root);
        SegmentationModel teacher = frozenCopy(student);
        CludaStep step = CludaStep.builder().setStudent(student).optGrid(9)
                .optSelfTraining(teacher, new EmaTeacher(0.999),
                        PseudoLabelSource.onlineTeacher(teacher, new PseudoLabeler(0.968), PseudoMargins.none(), true),
                        new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2), true)
                .optSourceContrast(PixelContrastiveLoss.builder().build(), 0.1)
                .optMixedContrast(PixelContrastiveLoss.builder().build(), 0.1).build();
        try (NDManager sub = root.newSubManager()) {
            StepResult r = step.run(sub, StepCrops.crops(1, true, SIZE), StepCrops.crops(2, false, SIZE), 0,
                    randomness(), true, StepProfile.OFF);
            assertEquals(Set.of("ce_source", "cl_source", "ce_mixed", "cl_mixed"),
                    Set.copyOf(r.gradientNorms().keySet().stream().map(k -> k.substring(0, k.indexOf('.'))).toList()));
            r.gradientNorms().forEach((k, v) -> assertTrue(v > 0 && Double.isFinite(v), k + " = " + v));
            StepResult plain = step.run(sub, StepCrops.crops(1, true, SIZE), StepCrops.crops(2, false, SIZE), 1,
                    randomness(), false, StepProfile.OFF);
            assertTrue(plain.gradientNorms().isEmpty(), "an unprobed step reports no norms");
        }
    }

    /** The contrastive term's probed {encoder, head} norms at {@code weight}. */
    private double[] probedNorms(double weight) {
        try (NDManager sub = root.newSubManager()) {
            Map<String, Double> n = sourceStep(SegmentationModel.createInitialized(SPEC, 7, root), false, true, weight)
                    .run(sub, StepCrops.crops(1, true, SIZE), List.of(), 0, randomness(), true, StepProfile.OFF).gradientNorms();
            return new double[] {n.get("cl_source.encoder"), n.get("cl_source.head")};
        }
    }

    /** {encoder, head} norms of the gradients one unprobed step leaves on {@code model}. */
    private double[] norms(SegmentationModel model, boolean fd, boolean contrast, double weight) {
        try (NDManager sub = root.newSubManager()) {
            sourceStep(model, fd, contrast, weight).run(sub, StepCrops.crops(1, true, SIZE), List.of(), 0,
                    randomness(), false, StepProfile.OFF);
            Set<Parameter> encoder = Collections.newSetFromMap(new IdentityHashMap<>());
            model.getEncoder().getParameters().forEach(p -> encoder.add(p.getValue()));
            double[] squared = new double[2];
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getValue().requiresGradient() && p.getValue().getArray().hasGradient()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.attach(sub);
                    squared[encoder.contains(p.getValue()) ? 0 : 1] += g.square().sum().getFloat();
                }
            }
            return new double[] {Math.sqrt(squared[0]), Math.sqrt(squared[1])};
        }
    }

    private CludaStep sourceStep(SegmentationModel student, boolean fd, boolean contrast, double weight) {
        CludaStep.Builder b = CludaStep.builder().setStudent(student).optGrid(9);
        if (fd) {
            // another initialisation: against an identical copy the distance and its gradient are 0
            b.optFeatureDistance(frozenCopy(SegmentationModel.createInitialized(SPEC, 8, root)),
                    FeatureDistanceLoss.builder().optLambda(0.005f).optMinRatio(0.75f).build());
        }
        if (contrast) {
            b.optSourceContrast(PixelContrastiveLoss.builder().build(), weight);
        }
        return b.build();
    }

    private static CludaStep.Randomness randomness() {
        return new CludaStep.Randomness(new SplittableRandom(100), new SplittableRandom(200), new SplittableRandom(300),
                new SplittableRandom(400));
    }

    private SegmentationModel frozenCopy(SegmentationModel model) {
        SegmentationModel copy = model.copy(root);
        for (Pair<String, Parameter> p : copy.getParameters()) {
            p.getValue().getArray().setRequiresGradient(false);
        }
        copy.setDropoutEnabled(false);
        return copy;
    }
}
