package dev.cluda.uda;

import static dev.cluda.uda.StepModels.SIZE;
import static dev.cluda.uda.StepModels.batch;
import static dev.cluda.uda.StepModels.randomness;
import static dev.cluda.uda.StepModels.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.ndarray.GradMode;
import dev.cluda.transform.Normalize;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.transform.TransformedSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLUDA step with its source pass beside the self-training passes ({@link CludaStep.Builder#optConcurrentPasses}). */
class CludaStepConcurrencyTest {

    @BeforeAll
    static void noGradOutsideCollectors() {
        GradMode.disableOnThisThread(); // as the Trainer runs
    }

    /**
     * Concurrent passes against one after the other, from the same models and inputs, with the anchor
     * cap (contrastive draws in both passes), the ImageNet feature distance, drop path and dropout on:
     * the same terms, gradients and BatchNorm statistics up to the order of float additions inside
     * operators (one intra-op thread per pass instead of two); a wrong order of the random draws or
     * BatchNorm updates would change them far more. Stored pseudo-labels leave the other thread nothing
     * to do before its mixed forward, so there only the wait for the source pass keeps the order.
     */
    @ParameterizedTest(name = "stored pseudo-labels: {0}")
    @ValueSource(booleans = {false, true})
    void run_concurrentPasses_sameTermsGradientsAndStatisticsAsOneAfterTheOther(boolean stored) {
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(2);
        try {
            PixelContrastiveLoss capped = PixelContrastiveLoss.builder().optMaxAnchorsPerClass(3).build();
            List<Map<String, Double>> losses = new ArrayList<>();
            List<float[][]> gradients = new ArrayList<>();
            List<float[][]> weights = new ArrayList<>();
            for (boolean concurrent : new boolean[] {false, true}) {
                try (StepModels models = new StepModels()) { // the same seeded models for both
                    run(models, concurrent, stored, capped, losses, gradients, weights);
                }
            }
            assertEquals(losses.get(0).keySet(), losses.get(1).keySet());
            losses.get(0).forEach((k, v) -> assertEquals(v, losses.get(1).get(k), 1e-5 * Math.max(1, Math.abs(v)), k));
            for (int i = 0; i < gradients.get(0).length; i++) {
                assertClose(gradients.get(0)[i], gradients.get(1)[i], "gradient " + i);
            }
            for (int i = 0; i < weights.get(0).length; i++) {
                assertClose(weights.get(0)[i], weights.get(1)[i], "parameter or statistic " + i);
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    /** One step of fresh models, concurrent or not: its terms, gradients and parameter values after it. */
    private static void run(StepModels models, boolean concurrent, boolean stored, PixelContrastiveLoss capped,
                            List<Map<String, Double>> losses, List<float[][]> gradients, List<float[][]> weights) {
        CludaStep.Builder b = models.builder(true, true, true, true, 0, capped).optConcurrentPasses(concurrent);
        List<TransformedSample> target = batch(2, false);
        if (stored) {
            b.optSelfTraining(models.teacher(), new EmaTeacher(0.999),
                    PseudoLabelSource.stored(new PseudoLabeler(0.968), PseudoMargins.none()),
                    new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2), true);
            target = new ArrayList<>();
            for (TransformedSample s : batch(2, true)) {
                float[] confidence = new float[SIZE * SIZE];
                java.util.Arrays.fill(confidence, 0.99f);
                target.add(new TransformedSample(s.image(), s.label(), null, confidence));
            }
        }
        CludaStep step = b.build();
        assertEquals(concurrent, step.concurrentPasses());
        try (NDManager sub = models.root().newSubManager()) {
            losses.add(step.run(sub, batch(1, true), target, 3, randomness(3)).losses());
            List<float[]> g = new ArrayList<>();
            for (Pair<String, Parameter> p : models.student().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray grad = p.getValue().getArray().getGradient();
                    grad.attach(sub);
                    g.add(grad.toFloatArray());
                }
            }
            gradients.add(g.toArray(new float[0][]));
        }
        weights.add(values(models.student())); // BatchNorm running statistics included
    }

    @Test
    void run_concurrentPassesFailingSourcePass_throwsItsErrorWithoutWaitingForever() {
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(2);
        try {
            List<TransformedSample> source = batch(1, true);
            source.get(0).image().data()[5] = Float.NaN;
            try (StepModels models = new StepModels(); NDManager sub = models.root().newSubManager()) {
                CludaStep step = models.builder(true, false, true, true, 0, PixelContrastiveLoss.builder().build())
                        .optConcurrentPasses(true).build();
                NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                        () -> step.run(sub, source, batch(2, false), 9, randomness(9)));
                assertEquals("ce_source", e.term());
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        float scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertArrayEquals(expected, actual, 1e-4f * scale + 1e-7f, what);
    }
}
