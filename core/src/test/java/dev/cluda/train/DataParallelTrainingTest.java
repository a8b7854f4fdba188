package dev.cluda.train;

import dev.cluda.model.ModelParameters;
import dev.cluda.parallel.Ranks;
import dev.cluda.parallel.GradientScope;
import dev.cluda.parallel.ShardedEvaluation;
import dev.cluda.parallel.BatchNormStatistics;
import dev.cluda.parallel.GradientBuffer;
import dev.cluda.parallel.DataParallel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.comm.SingleRankCollective;
import dev.cluda.io.LocalFileStore;
import dev.cluda.testing.IntegrationTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny CLUDA experiment (UDA, ClassMix, both contrastive terms, batch 2 per rank) trained for
 * {@value #ITERS} iterations by 2 ranks as 2 threads of this JVM over a TCP ring, each with its own
 * data, manager and session; the ranks take turns for forward + backward ({@link GradientScope}).
 * Iterations 0 and 1 run phase by phase so that each rank's own gradients and BatchNorm statistics
 * are recorded before the all-reduce; the rest run {@link TrainingSession#iterate}. Run once for
 * the class (about 10 tiny iterations).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class DataParallelTrainingTest {

    private static final int ITERS = 5;
    private static final int PHASED = 2;

    @TempDir
    static Path dir;

    /** What one rank saw. */
    record RankRun(List<float[]> own, List<float[]> averaged, List<float[]> bnBefore, List<float[]> bnAfter,
                   List<float[]> weights, List<Long> checksums, List<TrainingSession.StepTimes> times,
                   EvalResult distributedEval, EvalResult singleRankEval) {
    }

    private List<RankRun> runs;

    @BeforeAll
    void train() throws Exception {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "train.iters=" + ITERS);
        LocalFileStore store = new LocalFileStore();
        TrainingData.prepare(config, store, null, m -> { }); // generates the benchmark once, before the ranks
        runs = Ranks.run(2, 120, c -> {
            DataParallel parallel = new DataParallel(c);
            TrainingData data = TrainingData.prepare(config, store, null, c.rank(), c.size(), m -> { });
            RankRun run = new RankRun(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), null, null);
            try (NDManager root = NDManager.newBaseManager();
                 TrainingSession session = TrainingSession.open(config, data, root, parallel, m -> { })) {
                GradientBuffer layout = GradientBuffer.of(session.student());
                BatchNormStatistics bn = BatchNormStatistics.of(session.student(), session.teacher());
                for (int i = 0; i < ITERS; i++) {
                    long t = i;
                    if (i < PHASED) {
                        try (NDManager step = root.newSubManager()) {
                            TrainingSession.Batches batches = session.drawBatches(t);
                            GradientScope.run(() -> session.compute(step, t, batches));
                            run.own().add(layout.read(step));
                            run.bnBefore().add(read(bn));
                            session.synchronize(step);
                            run.averaged().add(layout.read(step));
                            run.bnAfter().add(read(bn));
                            session.applyOptimizer(step, t);
                        }
                    } else {
                        session.iterate(t);
                        run.times().add(session.lastStepTimes());
                        session.verifyReplicasIdentical(t);
                    }
                    run.weights().add(ModelParameters.flatValues(session.student(), session.teacher()));
                    run.checksums().add(31 * DataParallel.checksum(session.student())
                            + DataParallel.checksum(session.teacher()));
                }
                SegmentationEvaluator evaluator = new SegmentationEvaluator(config.eval().size());
                EvalResult distributed = ShardedEvaluation.evaluate(parallel, evaluator, session.student(),
                        data.evalSamples(), data.evalLoader(), root, ITERS);
                EvalResult single = c.rank() == 0 ? ShardedEvaluation.evaluate(
                        new DataParallel(new SingleRankCollective()), evaluator, session.student(), data.evalSamples(),
                        data.evalLoader(), root, ITERS)
                        : null;
                return new RankRun(run.own(), run.averaged(), run.bnBefore(), run.bnAfter(), run.weights(),
                        run.checksums(), run.times(), distributed, single);
            }
        });
    }

    private static float[] read(BatchNormStatistics bn) {
        float[] out = new float[bn.length()];
        bn.read(out, 0);
        return out;
    }


    @Test
    void iterate_twoRanks_weightsBitIdenticalAfterEveryStep() {
        for (int t = 0; t < ITERS; t++) {
            assertEquals(runs.get(0).checksums().get(t), runs.get(1).checksums().get(t), "checksums after step " + t);
            assertArrayEquals(runs.get(0).weights().get(t), runs.get(1).weights().get(t), "weights after step " + t);
            if (t > 0) {
                assertFalse(Arrays.equals(runs.get(0).weights().get(t - 1), runs.get(0).weights().get(t)),
                        "step " + t + " changed the weights");
            }
        }
    }

    @Test
    void synchronize_twoRanks_averagedGradientIsMeanOfEachRanksGradient() {
        for (int t = 0; t < PHASED; t++) {
            float[] own0 = runs.get(0).own().get(t);
            float[] own1 = runs.get(1).own().get(t);
            assertFalse(Arrays.equals(own0, own1), "the ranks drew different batches at step " + t);
            float[] mean = new float[own0.length];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = (own0[i] + own1[i]) / 2f;
            }
            assertArrayEquals(mean, runs.get(0).averaged().get(t), 1e-7f, "rank 0, step " + t);
            assertArrayEquals(runs.get(0).averaged().get(t), runs.get(1).averaged().get(t), "bit-identical, step " + t);
        }
    }

    @Test
    void synchronize_twoRanks_batchNormStatisticsAveragedAndIdentical() {
        for (int t = 0; t < PHASED; t++) {
            float[] before0 = runs.get(0).bnBefore().get(t);
            float[] before1 = runs.get(1).bnBefore().get(t);
            assertTrue(before0.length > 0);
            assertFalse(Arrays.equals(before0, before1), "each rank's own batches moved its statistics differently");
            float[] mean = new float[before0.length];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = (before0[i] + before1[i]) / 2f;
            }
            assertArrayEquals(mean, runs.get(0).bnAfter().get(t), 1e-7f, "step " + t);
            assertArrayEquals(runs.get(0).bnAfter().get(t), runs.get(1).bnAfter().get(t), "step " + t);
        }
    }

    @Test
    void shardedEvaluation_twoRanks_equalsSingleRankOverAllSamples() {
        EvalResult single = runs.get(0).singleRankEval();
        for (RankRun run : runs) {
            EvalResult d = run.distributedEval();
            assertEquals(single.numImages(), d.numImages());
            assertEquals(2, d.numImages());
            assertArrayEquals(single.classIou(), d.classIou());
            assertEquals(single.mIoU(), d.mIoU());
        }
    }

    @Test
    void iterate_twoRanks_reportsTheStepTimeSplit() {
        for (RankRun run : runs) {
            assertEquals(ITERS - PHASED, run.times().size());
            for (TrainingSession.StepTimes s : run.times()) {
                assertTrue(s.computeNanos() > 0 && s.gradientCopyNanos() > 0 && s.allReduceNanos() > 0
                        && s.optimizerNanos() > 0, s.toString());
            }
        }
        for (int r = 0; r < runs.size(); r++) {
            for (TrainingSession.StepTimes s : runs.get(r).times()) {
                System.out.printf("rank %d step split ms: sample %.1f, lock wait %.1f, compute %.1f, gradient copy %.1f,"
                                + " all-reduce %.1f, optimizer %.1f, total %.1f%n", r, s.sampleNanos() / 1e6,
                        s.lockWaitNanos() / 1e6, s.computeNanos() / 1e6, s.gradientCopyNanos() / 1e6,
                        s.allReduceNanos() / 1e6, s.optimizerNanos() / 1e6, s.totalNanos() / 1e6);
            }
        }
    }
}
