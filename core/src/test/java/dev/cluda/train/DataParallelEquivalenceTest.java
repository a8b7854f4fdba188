package dev.cluda.train;

import dev.cluda.parallel.Ranks;
import dev.cluda.parallel.GradientScope;
import dev.cluda.parallel.GradientBuffer;
import dev.cluda.parallel.DataParallel;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.transform.TransformedSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-parallel equivalence: 2 ranks × batch 1 and 1 rank × batch 2 reach the same weights after
 * several steps, in the configuration where this holds exactly in real arithmetic.
 *
 * <p>What holds, and why: the source cross-entropy is summed over pixels and divided by B·H·W
 * (reference §2.6), so the batch-2 loss is the mean of the two per-image losses and its gradient
 * the mean of the per-image gradients, which is what the all-reduce computes. AdamW then sees the
 * same gradient on both sides. The BatchNorm layers of the DAFormer head normalise with the
 * statistics of the batch on their rank; here every image of an iteration is the same crop
 * {@code x_t} (rank r trains on {@code (x_t, y_{t,r})}; the single rank on both pairs), so the
 * statistics over {@code [x_t]} and {@code [x_t, x_t]} are equal as functions of the weights, and
 * both losses are the same function of the weights. The labels differ, so the two ranks' gradients
 * differ and the average is not trivial. Drop path and Dropout2d are off (their masks come from a
 * per-rank engine seed). Weights agree to float rounding (a batch of 2 takes other kernel paths).
 * The BatchNorm running variance differs by Bessel's correction (n/(n−1) over 1 vs 2 images), so
 * only running means are compared.
 *
 * <p>What does not hold, and is therefore off here: (1) different images per rank: BatchNorm batch
 * statistics are per rank (measured with this test's setup and the two crops as two images: the
 * first-step gradients differ by 17 % of the largest gradient, and the weights by as much as the
 * control's), and synchronised BatchNorm is not implemented (under the JVM-wide
 * gradient turn a rank would wait inside its forward for statistics of a rank that cannot enter its
 * own forward, and DJL has no custom autograd function to all-reduce in backward); (2) the pixel
 * contrastive losses pair anchors of one image with positives and negatives of the other images of
 * the batch, so per-rank batches see fewer pairs; (3) UDA: the teacher pseudo-labels with batch
 * statistics, the colour-jitter decision is one draw per batch, and the ClassMix and photometric
 * draws of the second image continue the first image's stream while a second rank has its own
 * stream. The per-image confidence weight and ClassMix class sets (reference §13) remove only the
 * normalisation part of (3).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class DataParallelEquivalenceTest {

    private static final int STEPS = 4;

    @TempDir
    static Path dir;

    private final List<float[]> twoRanks = new ArrayList<>();
    private final List<float[]> twoRanksMeans = new ArrayList<>();
    private final List<float[]> oneRank = new ArrayList<>();
    private final List<float[]> oneRankMeans = new ArrayList<>();
    private final List<float[]> firstLabelOnly = new ArrayList<>();
    private final List<float[]> twoRanksGrads = new ArrayList<>();
    private final List<float[]> oneRankGrads = new ArrayList<>();

    private CludaConfig config(int batch) {
        return TinyExperiment.config(dir.resolve("synthetic"), "train.batchSize=" + batch, "uda.enabled=false",
                "contrastive.source=false", "contrastive.mixed=false", "model.dropPathRate=0",
                "train.iters=" + STEPS, "train.warmupIters=0");
    }

    /** Crop x_t and two label maps of iteration t, the same on every thread. */
    private static TransformedSample[] inputs(TrainingData data, long t) {
        List<TransformedSample> two = data.sampler().sourceBatch(2, new SplittableRandom(1000 + t),
                new SplittableRandom(2000 + t));
        TransformedSample x = two.get(0);
        return new TransformedSample[] {x, new TransformedSample(x.image(), two.get(1).label(), null)};
    }

    /**
     * Trains {@link #STEPS} steps, each on {@code batch.apply(inputs)}, as {@link TrainingSession#iterate}
     * does, recording the gradient the optimizer applies (averaged over ranks), the weights and the
     * BatchNorm running means after each step.
     */
    private static void train(NDManager root, TrainingData data, TrainingSession session,
                       java.util.function.Function<TransformedSample[], List<TransformedSample>> batch,
                       List<float[]> weights, List<float[]> means, List<float[]> grads) {
        session.student().setDropoutEnabled(false);
        GradientBuffer layout = GradientBuffer.of(session.student());
        for (int t = 0; t < STEPS; t++) {
            long step = t;
            TrainingSession.Batches b = new TrainingSession.Batches(batch.apply(inputs(data, t)), List.of());
            try (NDManager sub = root.newSubManager()) {
                GradientScope.run(() -> session.compute(sub, step, b));
                session.synchronize(sub);
                grads.add(layout.read(sub));
                session.applyOptimizer(sub, step);
            }
            weights.add(values(session.student(), false));
            means.add(values(session.student(), true));
        }
    }

    @BeforeAll
    void trainAllThree() throws Exception {
        LocalFileStore store = new LocalFileStore();
        Consumer<String> quiet = m -> { };
        TrainingData.prepare(config(2), store, null, quiet);
        Ranks.run(2, 120, c -> {
            CludaConfig config = config(1);
            TrainingData data = TrainingData.prepare(config, store, null, quiet);
            List<float[]> weights = new ArrayList<>();
            List<float[]> means = new ArrayList<>();
            List<float[]> g2 = new ArrayList<>();
            try (NDManager root = NDManager.newBaseManager();
                 TrainingSession session = TrainingSession.open(config, data, root, new DataParallel(c), quiet)) {
                train(root, data, session, in -> List.of(in[c.rank()]), weights, means, g2);
            }
            if (c.rank() == 0) {
                twoRanks.addAll(weights);
                twoRanksMeans.addAll(means);
                twoRanksGrads.addAll(g2);
            }
            return null;
        });
        for (int batch : new int[] {2, 1}) {
            CludaConfig config = config(batch);
            TrainingData data = TrainingData.prepare(config, store, null, quiet);
            try (NDManager root = NDManager.newBaseManager();
                 TrainingSession session = TrainingSession.open(config, data, root, Rank.alone().parallel(), quiet)) {
                if (batch == 2) {
                    train(root, data, session, in -> List.of(in[0], in[1]), oneRank, oneRankMeans, oneRankGrads);
                } else {
                    train(root, data, session, in -> List.of(in[0]), firstLabelOnly, new ArrayList<>(), new ArrayList<>());
                }
            }
        }
    }

    /** Trainable values, or the BatchNorm running means, in name order. */
    private static float[] values(Block block, boolean runningMeans) {
        Map<String, Parameter> byName = new TreeMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            boolean take = runningMeans ? p.getValue().getType() == Parameter.Type.RUNNING_MEAN
                    : p.getValue().requiresGradient();
            if (take) {
                byName.put(p.getKey(), p.getValue());
            }
        }
        int n = byName.values().stream().mapToInt(p -> (int) p.getArray().size()).sum();
        float[] out = new float[n];
        int at = 0;
        for (Parameter p : byName.values()) {
            float[] v = p.getArray().toFloatArray();
            System.arraycopy(v, 0, out, at, v.length);
            at += (int) p.getArray().size();
        }
        return out;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    private static double meanAbsDiff(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((double) a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** From identical weights, the all-reduced batch-1 gradients equal the batch-2 gradient (measured: 5e-7 of max |g|). */
    @Test
    void firstStep_averagedRankGradientsEqualBatchTwoGradient() {
        float[] averaged = twoRanksGrads.get(0);
        float[] batchTwo = oneRankGrads.get(0);
        double diff = maxAbsDiff(averaged, batchTwo);
        double scale = maxAbs(batchTwo);
        assertTrue(scale > 1e-3, "a real gradient: " + scale);
        assertTrue(diff <= 2e-6 * scale, "max gradient difference " + diff + " for max |g| " + scale);
    }

    /**
     * Weights agree after every step far more closely than with a run that differs only in the
     * labels (the control: one rank trained on the first label map alone). Not bit-equal: AdamW
     * divides by √v + ε (1e-8), so an element whose gradient is of order ε moves by a visible fraction
     * of the learning rate when its gradient changes in the last bits; measured here, the largest
     * difference grows from 0.2 % to 0.4 % of the control's largest over 4 steps while the mean
     * difference stays below 0.04 % of the control's.
     */
    @Test
    void twoRanksBatchOne_equalsOneRankBatchTwo_afterEveryStep() {
        for (int t = 0; t < STEPS; t++) {
            double max = maxAbsDiff(twoRanks.get(t), oneRank.get(t));
            double mean = meanAbsDiff(twoRanks.get(t), oneRank.get(t));
            double controlMax = maxAbsDiff(firstLabelOnly.get(t), oneRank.get(t));
            double controlMean = meanAbsDiff(firstLabelOnly.get(t), oneRank.get(t));
            System.out.printf("step %d: |2x1 - 1x2| max %.3g mean %.3g; control max %.3g mean %.3g%n", t, max, mean,
                    controlMax, controlMean);
            assertTrue(controlMean > 1e-5, "the labels matter at step " + t + ": " + controlMean);
            assertTrue(max < controlMax / 50, "step " + t + ": max weight difference " + max + ", control " + controlMax);
            assertTrue(mean < controlMean / 200, "step " + t + ": mean weight difference " + mean + ", control "
                    + controlMean);
        }
    }

    /** Running means agree to float rounding (measured: 5e-6 of the largest mean after 4 steps). */
    @Test
    void twoRanksBatchOne_batchNormRunningMeansEqualOneRankBatchTwo() {
        for (int t = 0; t < STEPS; t++) {
            double d = maxAbsDiff(twoRanksMeans.get(t), oneRankMeans.get(t));
            double scale = maxAbs(oneRankMeans.get(t));
            assertTrue(scale > 0.01, "the running means moved: " + scale);
            assertTrue(d < 5e-5 * scale, "step " + t + ": running means differ by " + d + " (largest " + scale + ")");
        }
    }
}
