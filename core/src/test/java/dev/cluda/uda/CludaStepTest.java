package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradMode;
import dev.cluda.optim.GroupedAdamW;
import dev.cluda.optim.LearningRateSchedule;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.transform.TransformedSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import static dev.cluda.uda.StepModels.batch;
import static dev.cluda.uda.StepModels.randomness;
import static dev.cluda.uda.StepModels.values;

import org.junit.jupiter.api.Test;

/** One CLUDA iteration on 2 + 2 random 64×64 crops with MiT-B0 and a 16-wide head. */
class CludaStepTest {

    private static final int SIZE = StepModels.SIZE;
    private static final double SOURCE_CL_WEIGHT = StepModels.SOURCE_CL_WEIGHT;
    private static final double MIXED_CL_WEIGHT = StepModels.MIXED_CL_WEIGHT;

    private StepModels models;
    private NDManager root;
    private SegmentationModel student;
    private SegmentationModel teacher;
    private SegmentationModel imagenet;

    @BeforeAll
    static void noGradOutsideCollectors() {
        GradMode.disableOnThisThread(); // as the Trainer runs
    }

    @BeforeEach
    void setUp() {
        models = new StepModels();
        root = models.root();
        student = models.student();
        teacher = models.teacher();
        imagenet = models.imagenet();
    }

    @AfterEach
    void tearDown() {
        models.close();
    }

    @Test
    void run_allTermsOn_reportsEveryTermAndTheWeightedTotal() {
        CludaStep step = step(true, true, true, true);
        StepResult r;
        try (NDManager sub = root.newSubManager()) {
            r = step.run(sub, batch(1, true), batch(2, false), 0, randomness(0));
        }
        assertEquals(Set.of("ce_source", "fd", "cl_source", "ce_mixed", "cl_mixed", "total"), r.losses().keySet());
        r.losses().forEach((k, v) -> assertTrue(Double.isFinite(v), k + " = " + v));
        Map<String, Double> l = r.losses();
        double expected = l.get("ce_source") + l.get("fd") + SOURCE_CL_WEIGHT * l.get("cl_source")
                + l.get("ce_mixed") + MIXED_CL_WEIGHT * l.get("cl_mixed");
        assertEquals(expected, l.get("total"), 1e-12);
        assertEquals(Map.of("ce_source", 1.0, "fd", 1.0, "cl_source", SOURCE_CL_WEIGHT, "ce_mixed", 1.0,
                "cl_mixed", MIXED_CL_WEIGHT), step.termWeights());
        assertEquals(l.get("total"), weightedSum(step, l), 1e-12);
        assertTrue(l.get("ce_source") > 1.0, "19-way CE of a random net is near ln 19: " + l.get("ce_source"));
        assertTrue(r.pseudoConfidence() > 0 && r.pseudoConfidence() <= 1, "pseudo conf " + r.pseudoConfidence());
        assertTrue(r.pseudoWeight() >= 0 && r.pseudoWeight() <= 1, "pseudo weight " + r.pseudoWeight());
    }

    @Test
    void run_beforeContrastStart_skipsBothContrastiveTerms() {
        CludaStep step = builder(true, false, true, true, 5, PixelContrastiveLoss.builder().build()).build();
        try (NDManager sub = root.newSubManager()) {
            assertEquals(Set.of("ce_source", "ce_mixed", "total"),
                    step.run(sub, batch(1, true), batch(2, false), 4, randomness(4)).losses().keySet());
        }
        try (NDManager sub = root.newSubManager()) {
            assertEquals(Set.of("ce_source", "cl_source", "ce_mixed", "cl_mixed", "total"),
                    step.run(sub, batch(1, true), batch(2, false), 5, randomness(5)).losses().keySet());
        }
    }

    @Test
    void run_allTermsOn_gradientsReachEveryStudentParameterAndNoFrozenOne() {
        float[][] imagenetBefore = values(imagenet);
        float[][] studentBefore = values(student);
        try (NDManager sub = root.newSubManager()) {
            step(true, true, true, true).run(sub, batch(1, true), batch(2, false), 0, randomness(0));
            for (Pair<String, Parameter> p : student.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray grad = p.getValue().getArray().getGradient();
                    grad.attach(sub);
                    assertTrue(grad.abs().sum().getFloat() > 0f, "no gradient reaches " + p.getKey());
                }
            }
        }
        for (SegmentationModel frozen : List.of(teacher, imagenet)) {
            for (Pair<String, Parameter> p : frozen.getParameters()) {
                assertFalse(p.getValue().getArray().hasGradient(), "frozen model has a gradient on " + p.getKey());
            }
        }
        float[][] imagenetAfter = values(imagenet);
        for (int i = 0; i < imagenetBefore.length; i++) {
            assertArrayEquals(imagenetBefore[i], imagenetAfter[i], "the frozen ImageNet model changed");
        }
        // At t = 0 the EMA copies the student (α_0 = 0) before any forward pass.
        // (BatchNorm running statistics are not EMA-averaged; the teacher's batch-statistics pass moves them.)
        ParameterList tp = teacher.getParameters();
        ParameterList sp = student.getParameters();
        for (int i = 0; i < tp.size(); i++) {
            if (sp.get(i).getValue().requiresGradient()) {
                assertArrayEquals(studentBefore[i], tp.get(i).getValue().getArray().toFloatArray(),
                        "teacher is not the student's copy at " + tp.get(i).getKey());
            }
        }
    }

    @Test
    void run_udaOff_onlySourceTermsAndNaNPseudoValues() {
        StepResult withCl;
        StepResult withoutCl;
        try (NDManager sub = root.newSubManager()) {
            withCl = builder(false, false, true, false, 0, PixelContrastiveLoss.builder().build()).build()
                    .run(sub, batch(1, true), List.of(), 0, randomness(0));
        }
        try (NDManager sub = root.newSubManager()) {
            withoutCl = builder(false, false, false, false, 0, null).build()
                    .run(sub, batch(1, true), List.of(), 0, randomness(0));
        }
        assertEquals(Set.of("ce_source", "cl_source", "total"), withCl.losses().keySet());
        assertEquals(Set.of("ce_source", "total"), withoutCl.losses().keySet());
        assertEquals(withoutCl.losses().get("ce_source"), withoutCl.losses().get("total"));
        assertTrue(Double.isNaN(withCl.pseudoConfidence()) && Double.isNaN(withCl.pseudoWeight()));
        assertTrue(Double.isNaN(withoutCl.pseudoConfidence()) && Double.isNaN(withoutCl.pseudoWeight()));
    }

    @Test
    void run_nanSourcePixel_throwsNamingCeSourceAndIteration() {
        List<TransformedSample> source = batch(1, true);
        source.get(1).image().data()[123] = Float.NaN;
        CludaStep step = step(true, true, true, true);
        NonFiniteLossException e;
        try (NDManager sub = root.newSubManager()) {
            e = assertThrows(NonFiniteLossException.class,
                    () -> step.run(sub, source, batch(2, false), 17, randomness(17)));
        }
        assertEquals("ce_source", e.term());
        assertEquals(17, e.iteration());
        assertTrue(e.getMessage().contains("'ce_source'") && e.getMessage().contains("iteration 17"), e.getMessage());
    }

    /**
     * The per-class anchor cap (the documented answer to GPU memory) on both contrastive terms:
     * the source term draws its kept anchors too, and a cap of one anchor per class changes both
     * terms against the uncapped step on the same inputs.
     */
    @Test
    void run_anchorCapOnBothContrastiveTerms_runsAndChangesTheContrastiveTerms() {
        PixelContrastiveLoss capped = PixelContrastiveLoss.builder().optMaxAnchorsPerClass(1).build();
        Map<String, Double> withCap;
        Map<String, Double> without;
        try (NDManager sub = root.newSubManager()) {
            withCap = builder(true, false, true, true, 0, capped).build()
                    .run(sub, batch(1, true), batch(2, false), 0, randomness(0)).losses();
        }
        tearDown();
        setUp(); // the same initial models again
        try (NDManager sub = root.newSubManager()) {
            without = step(true, false, true, true).run(sub, batch(1, true), batch(2, false), 0, randomness(0))
                    .losses();
        }
        assertEquals(Set.of("ce_source", "cl_source", "ce_mixed", "cl_mixed", "total"), withCap.keySet());
        withCap.forEach((k, v) -> assertTrue(Double.isFinite(v), k + " = " + v));
        assertEquals(without.get("ce_source"), withCap.get("ce_source"), "the cap touches only the contrastive terms");
        assertTrue(Math.abs(withCap.get("cl_source") - without.get("cl_source")) > 1e-6,
                "one anchor per class must change the source term: " + withCap + " vs " + without);
    }

    @Test
    void build_mixedContrastWithoutSelfTraining_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder(false, false, false, true, 0, PixelContrastiveLoss.builder().build()).build());
        assertTrue(e.getMessage().contains("self-training"), e.getMessage());
    }

    @Test
    void run_storedPseudoLabels_useTheCropsLabelsAndConfidence() {
        List<TransformedSample> target = new ArrayList<>();
        for (TransformedSample s : batch(2, true)) {
            float[] confidence = new float[SIZE * SIZE];
            java.util.Arrays.fill(confidence, 0.99f);
            java.util.Arrays.fill(confidence, 0, SIZE * SIZE / 4, 0.5f); // a quarter below the 0.968 threshold
            target.add(new TransformedSample(s.image(), s.label(), null, confidence));
        }
        CludaStep step = CludaStep.builder().setStudent(student).optGrid(9)
                .optSelfTraining(teacher, new EmaTeacher(0.999),
                        PseudoLabelSource.stored(new PseudoLabeler(0.968), PseudoMargins.none()),
                        new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2), true)
                .build();
        StepResult r;
        try (NDManager sub = root.newSubManager()) {
            r = step.run(sub, batch(1, true), target, 0, randomness(0));
        }
        assertEquals(0.75, r.pseudoWeight(), 1e-6, "q = share of pixels at or above the threshold");
        assertEquals(0.25 * 0.5 + 0.75 * 0.99, r.pseudoConfidence(), 1e-6, "mean of the stored max probabilities");
    }

    /**
     * The masked pass by hand: with every cell masked the student sees zero images, so ce_masked
     * equals the student's CE on zeros against the teacher's pseudo-labels and weights, computed
     * here from the models after the step (the step changes no weight; dropout is off, BatchNorm
     * uses batch statistics either way).
     */
    @Test
    void run_maskedConsistencyEverythingMasked_ceMaskedEqualsTheCeOnZeroImages() {
        student.setDropoutEnabled(false);
        CludaStep step = builder(true, false, false, false, 0, null)
                .optMaskedConsistency(new dev.cluda.transform.BlockMask(8, 1.0), 0.5, false).build();
        List<TransformedSample> target = batch(2, false);
        StepResult r;
        double expected;
        try (NDManager sub = root.newSubManager()) {
            r = step.run(sub, batch(1, true), target, 0, randomness(0));
            ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(sub, false);
            NDArray xt = HostBatch.images(sub, target.stream().map(TransformedSample::image).toList());
            NDArray teacherLogits = teacher.forward(ps, new ai.djl.ndarray.NDList(xt), true).get(0);
            PseudoLabels pseudo = new PseudoLabeler(0.968).label(
                    dev.cluda.model.Bilinear.resize(teacherLogits, SIZE, SIZE, false), PseudoMargins.none());
            NDArray zeros = sub.zeros(xt.getShape());
            NDArray logits = student.forwardAll(ps, zeros, true).logits();
            expected = dev.cluda.loss.PixelCrossEntropy.compute(dev.cluda.model.Bilinear.resize(logits, SIZE, SIZE, false),
                    pseudo.labels(), pseudo.weights()).getFloat();
        }
        assertEquals(Set.of("ce_source", "ce_mixed", "ce_masked", "total"), r.losses().keySet());
        assertEquals(expected, r.losses().get("ce_masked"), 1e-5);
        Map<String, Double> l = r.losses();
        assertEquals(l.get("ce_source") + l.get("ce_mixed") + 0.5 * l.get("ce_masked"), l.get("total"), 1e-12);
        assertEquals(0.5, step.termWeights().get("ce_masked"));
        assertEquals(l.get("total"), weightedSum(step, l), 1e-12);
    }

    @Test
    void run_maskedConsistencyWithContrast_sameRandomnessSameLosses() {
        CludaStep.Builder b = builder(true, false, true, true, 0, PixelContrastiveLoss.builder().build())
                .optMaskedConsistency(new dev.cluda.transform.BlockMask(8, 0.7), 1.0, true);
        Map<String, Double> first;
        CludaStep step = b.build();
        try (NDManager sub = root.newSubManager()) {
            first = step.run(sub, batch(1, true), batch(2, false), 0, randomness(0)).losses();
        }
        assertEquals(MIXED_CL_WEIGHT, step.termWeights().get("cl_masked"));
        assertEquals(first.get("total"), weightedSum(step, first), 1e-12);
        tearDown();
        setUp();
        Map<String, Double> second;
        try (NDManager sub = root.newSubManager()) {
            second = builder(true, false, true, true, 0, PixelContrastiveLoss.builder().build())
                    .optMaskedConsistency(new dev.cluda.transform.BlockMask(8, 0.7), 1.0, true).build()
                    .run(sub, batch(1, true), batch(2, false), 0, randomness(0)).losses();
        }
        assertTrue(first.containsKey("ce_masked") && first.containsKey("cl_masked"), first.toString());
        assertEquals(first, second, "the masked pass draws only from the iteration's streams");
    }

    /**
     * Five iterations as the Trainer runs them (step in a sub-manager, AdamW update, zeroed
     * gradients): the arrays held by the root manager (recursively; the three models' parameters
     * live there) stay those that existed before the first step, and the arrays of every manager
     * (DJL's system manager holds every base manager, the optimizer state's included) do not grow
     * after the first iteration, which creates the optimizer state lazily.
     */
    @Test
    void run_fiveIterationsInSubManagers_managedArraysDoNotGrow() {
        CludaStep step = step(true, true, true, true);
        List<Parameter> trainable = new ArrayList<>();
        for (Pair<String, Parameter> p : student.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
        NDManager modelManager = trainable.get(0).getArray().getManager();
        NDManager system = root.getParentManager();
        int before = root.getManagedArrays().size();
        int[] rootCounts = new int[5];
        int[] modelCounts = new int[5];
        int[] allCounts = new int[5];
        try (GroupedAdamW optimizer = GroupedAdamW.builder().setParameters(student.getParameters())
                .setSchedule(new LearningRateSchedule(1e-3, 5, 1.0, 0, 0, 1e-6)).build()) {
            for (int t = 0; t < 5; t++) {
                try (NDManager sub = root.newSubManager()) {
                    step.run(sub, batch(10 + t, true), batch(20 + t, false), t, randomness(t));
                    for (Parameter p : trainable) {
                        NDArray grad = p.getArray().getGradient();
                        grad.attach(sub);
                        optimizer.update(p.getId(), p.getArray(), grad);
                        grad.set(new NDIndex("..."), 0f);
                    }
                }
                rootCounts[t] = root.getManagedArrays().size();
                modelCounts[t] = modelManager.getManagedArrays().size();
                allCounts[t] = system.getManagedArrays().size();
            }
        }
        String counts = "root " + Arrays.toString(rootCounts) + ", model manager " + Arrays.toString(modelCounts)
                + ", all " + Arrays.toString(allCounts) + ", before " + before;
        assertTrue(before > 3 * trainable.size(), counts); // student, teacher and ImageNet model are counted
        for (int t = 0; t < 5; t++) {
            assertEquals(before, rootCounts[t], counts);
        }
        assertEquals(modelCounts[1], modelCounts[4], counts);
        assertEquals(allCounts[1], allCounts[4], counts);
    }

    /** The total rebuilt from the reported terms and {@link CludaStep#termWeights}, as the run report plots it. */
    private static double weightedSum(CludaStep step, Map<String, Double> losses) {
        double sum = 0;
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            if (!e.getKey().equals("total")) {
                sum += step.termWeights().get(e.getKey()) * e.getValue();
            }
        }
        return sum;
    }

    @Test
    void run_confidenceWeightsOff_changesTheMixedContrastOnlyWhereConfidenceIsBelowOne() {
        // threshold 0.968 on a random net: per-image weights q < 1, so counting every pixel fully differs
        assertTrue(Math.abs(mixedContrast(0.968, true) - mixedContrast(0.968, false)) > 1e-6);
        // threshold 0: every pixel passes, q = 1, and the switch changes nothing
        assertEquals(mixedContrast(0.0, true), mixedContrast(0.0, false), 1e-6);
    }

    private double mixedContrast(double threshold, boolean confidenceWeighted) {
        SegmentationModel s = SegmentationModel.createInitialized(StepModels.SPEC, 7, root);
        SegmentationModel t = frozenCopy(s);
        CludaStep step = CludaStep.builder().setStudent(s).optGrid(9)
                .optSelfTraining(t, new EmaTeacher(0.999),
                        PseudoLabelSource.onlineTeacher(t, new PseudoLabeler(threshold), PseudoMargins.none(), true),
                        new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2), true)
                .optMixedContrast(PixelContrastiveLoss.builder().build(), null, 1.0, confidenceWeighted).build();
        s.setDropoutEnabled(false);
        try (NDManager sub = root.newSubManager()) {
            return step.run(sub, batch(1, true), batch(2, false), 0, randomness(0)).losses().get("cl_mixed");
        }
    }

    private CludaStep step(boolean uda, boolean fd, boolean sourceCl, boolean mixedCl) {
        return models.step(uda, fd, sourceCl, mixedCl);
    }

    private CludaStep.Builder builder(boolean uda, boolean fd, boolean sourceCl, boolean mixedCl, long clStart,
                                      PixelContrastiveLoss contrast) {
        return models.builder(uda, fd, sourceCl, mixedCl, clStart, contrast);
    }

    private SegmentationModel frozenCopy(SegmentationModel model) {
        return models.frozenCopy(model);
    }
}
