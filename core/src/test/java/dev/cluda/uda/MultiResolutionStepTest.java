package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.data.LabelMap;
import dev.cluda.loss.MultiResolutionContrastiveLoss;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.model.HrdaFusion;
import dev.cluda.model.ModelSpec;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradMode;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.MultiResolutionCrop;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.transform.TransformedSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One HRDA + CLUDA iteration (reference §1, §5.4, §6.3) on 2 + 2 random 128×128 context crops: LR at
 * half resolution, 64×64 detail crops, MiT-B0 with a 16-wide head and both HRDA heads (smaller
 * inputs leave the first stage's spatially reduced attention a single key, whose query then gets no
 * gradient).
 */
class MultiResolutionStepTest {

    private static final int SIZE = 128;
    private static final ModelSpec SPEC = new ModelSpec("mit_b0", 16, 16, 19, 0.1)
            .withMultiResolutionHeads(true, 16, true);

    private NDManager root;
    private SegmentationModel student;
    private SegmentationModel teacher;

    @BeforeAll
    static void noGradOutsideCollectors() {
        GradMode.disableOnThisThread();
    }

    @BeforeEach
    void setUp() {
        root = NDManager.newBaseManager();
        student = SegmentationModel.createInitialized(SPEC, 7, root);
        teacher = student.copy(root);
        for (Pair<String, Parameter> p : teacher.getParameters()) {
            p.getValue().getArray().setRequiresGradient(false);
        }
        teacher.setDropoutEnabled(false);
    }

    @AfterEach
    void tearDown() {
        root.close();
    }

    private CludaStep step(boolean contrast) {
        CludaStep.Builder b = CludaStep.builder().setStudent(student).optGrid(9)
                .optSelfTraining(teacher, new EmaTeacher(0.999), PseudoLabelSource.onlineMultiResolutionTeacher(
                        teacher, new PseudoLabeler(0.968), PseudoMargins.none(), true, 0.5, 64, 32,
                                HrdaFusion.Order.CLUDA),
                        new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2), true)
                .optMultiResolution(new MultiResolutionStudent(new MultiResolutionCrop(0.5, 64, 64, 8),
                        HrdaFusion.Order.CLUDA, 0.9, 0.1, 0.0, 64, 32, null, 0, true));
        if (contrast) {
            MultiResolutionContrastiveLoss multi = MultiResolutionContrastiveLoss.builder().build();
            b.optSourceContrast(PixelContrastiveLoss.builder().build(), multi, 0.5)
                    .optMixedContrast(PixelContrastiveLoss.builder().build(), multi, 2.0);
        }
        return b.build();
    }

    private StepResult run(CludaStep step, NDManager sub, long t) {
        return step.run(sub, batch(1, true), batch(2, false), t, new CludaStep.Randomness(new SplittableRandom(100 + t),
                new SplittableRandom(200 + t), new SplittableRandom(300 + t), null, new SplittableRandom(500 + t)));
    }

    @Test
    void run_allTerms_finiteWeightedTotalAndGradientOnEveryStudentParameter() {
        StepResult r;
        try (NDManager sub = root.newSubManager()) {
            r = run(step(true), sub, 0);
            for (Pair<String, Parameter> p : student.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.attach(sub);
                    assertTrue(g.abs().sum().getFloat() > 0f, "no gradient reaches " + p.getKey());
                }
            }
        }
        Map<String, Double> l = r.losses();
        assertEquals(Set.of("ce_source", "cl_source", "ce_mixed", "cl_mixed", "total"), l.keySet());
        l.forEach((k, v) -> assertTrue(Double.isFinite(v), k + " = " + v));
        assertEquals(l.get("ce_source") + 0.5 * l.get("cl_source") + l.get("ce_mixed") + 2.0 * l.get("cl_mixed"),
                l.get("total"), 1e-12);
    }

    /** The feature-weight head learns from the contrastive loss only (reference §5.4). */
    @Test
    void run_withoutContrast_noGradientReachesTheFeatureWeightHeadButOneReachesTheAttentionHead() {
        try (NDManager sub = root.newSubManager()) {
            run(step(false), sub, 0);
            assertEquals(0.0, gradientSum(student.getFeatureWeightHead().getParameters(), sub), 0.0);
            assertTrue(gradientSum(student.getScaleAttentionHead().getParameters(), sub) > 0);
        }
    }

    @Test
    void run_sameStreams_sameLosses() {
        Map<String, Double> first;
        try (NDManager sub = root.newSubManager()) {
            first = run(step(true), sub, 3).losses();
        }
        tearDown();
        setUp();
        try (NDManager sub = root.newSubManager()) {
            assertEquals(first, run(step(true), sub, 3).losses());
        }
    }

    /** After the start iteration the mixed images' detail crops come from the LR prediction's entropy (§5.7). */
    @Test
    void run_entropyCropAfterItsStart_runsWithoutTheDetailCropStreamForMixedImages() {
        CludaStep step = CludaStep.builder().setStudent(student).optGrid(9)
                .optSelfTraining(teacher, new EmaTeacher(0.999), PseudoLabelSource.onlineMultiResolutionTeacher(
                        teacher, new PseudoLabeler(0.968), PseudoMargins.none(), true, 0.5, 64, 32,
                                HrdaFusion.Order.CLUDA),
                        new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2), true)
                .optMultiResolution(new MultiResolutionStudent(new MultiResolutionCrop(0.5, 64, 64, 8),
                        HrdaFusion.Order.CLUDA, 0.9, 0.1, 0.0, 64, 32,
                        new EntropyCrop(SIZE, SIZE, 64, 64, 32, 32, 8), 0, true))
                .build();
        Map<String, Double> before;
        Map<String, Double> after;
        try (NDManager sub = root.newSubManager()) {
            before = run(step, sub, 0).losses(); // t = 0: random crops (entropy only for t > start)
        }
        try (NDManager sub = root.newSubManager()) {
            after = run(step, sub, 1).losses();
        }
        assertTrue(Double.isFinite(before.get("ce_mixed")) && Double.isFinite(after.get("ce_mixed")),
                before + " / " + after);
    }

    @Test
    void build_multiResolutionWithoutTheMultiResolutionContrast_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CludaStep.builder()
                .setStudent(student)
                .optMultiResolution(new MultiResolutionStudent(new MultiResolutionCrop(0.5, 64, 64, 8),
                        HrdaFusion.Order.CLUDA, 0.9, 0.1, 0.0, 64, 32, null, 0, true))
                .optSourceContrast(PixelContrastiveLoss.builder().build(), 1.0).build());
        assertTrue(e.getMessage().contains("§5.4"), e.getMessage());
    }

    private static double gradientSum(ai.djl.nn.ParameterList params, NDManager sub) {
        double sum = 0;
        for (Pair<String, Parameter> p : params) {
            NDArray g = dev.cluda.ndarray.Gradients.of(p.getValue().getArray());
            if (g != null) {
                g.attach(sub);
                sum += g.abs().sum().getFloat();
            }
        }
        assertFalse(params.isEmpty());
        return sum;
    }

    /** Two normalised random crops; labelled ones are four quadrants road / building / person / car. */
    private static List<TransformedSample> batch(long seed, boolean labelled) {
        return StepCrops.crops(seed, labelled, SIZE);
    }
}
