package dev.cluda.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.data.SampleRef;
import dev.cluda.data.Sample;
import dev.cluda.comm.SingleRankCollective;
import dev.cluda.config.TrainConfig;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.SegmentationModel;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.util.Optional;
import java.util.List;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains one model in this process, or one rank of a data-parallel job ({@link #runRank}), and
 * writes the run directory of ARCHITECTURE.md ({@code config.conf}, {@code metrics.jsonl},
 * {@code eval.json}, {@code checkpoints/}). Random
 * streams come from (seed, rank, iteration), so a resumed run continues from the latest complete
 * checkpoint and ends bit-identical to an uninterrupted one on CPU.
 */
public final class Trainer {

    /** Progress callbacks; all optional. */
    public interface Listener {
        default void message(String line) {
        }

        default void started(long firstIteration, long totalIterations) {
        }

        default void iteration(long iteration, StepResult result, double seconds) {
        }

        default void evaluated(EvalResult result) {
        }

        /** A data-parallel run found every rank's weights identical after {@code iteration} iterations. */
        default void replicasVerified(long iteration) {
        }
    }

    /** How a run ended. */
    public record Outcome(long iterations, long resumedFrom, EvalResult lastEval, String runDir) {
    }

    /** Iterations between explicit collections: direct buffers behind created arrays are freed only by GC. */
    private static final int GC_INTERVAL = 50;

    private final CludaConfig config;
    private final FileStore store;
    private final String runDir;
    private final Listener listener;

    public Trainer(CludaConfig config, FileStore store, String runDir, Listener listener) {
        this.config = config;
        this.store = store;
        this.runDir = runDir;
        this.listener = listener;
    }

    /**
     * Runs the configured iterations in this process (one rank).
     *
     * @param resume continue from the latest checkpoint in the run directory (fresh start if none)
     */
    public Outcome run(boolean resume) throws IOException {
        writeConfig();
        TrainingData data = TrainingData.prepare(config, store, store.resolve(runDir, "rcs"), listener::message);
        return loop(data, null, 0, resume, null);
    }

    /**
     * Runs the configured iterations as rank {@code parallel.rank()} of a data-parallel job (issue
     * 4): every rank restores the latest checkpoint (when {@code resume}) and agrees on where to
     * start, evaluates its shard ({@link ShardedEvaluation}) and checks the replicas identical
     * every {@code distributed.checkInterval} iterations; only rank 0 writes {@code config.conf},
     * {@code metrics.jsonl} (its own losses), {@code eval.json} and checkpoints. Every rank must
     * call it on the thread that iterates, at the same time, with the same configuration.
     *
     * @param data this rank's data ({@link TrainingData#prepare}; only rank 0 should write statistics)
     * @param attempt the attempt number of the stage running the ranks (0 first); the fault of
     *     {@code debug.failAtIteration} is injected on attempt 0 only
     * @param resume continue from the latest checkpoint in the run directory (fresh start if none)
     * @param device where this rank's models live (its GPU, or the CPU)
     * @throws IllegalStateException for the injected fault, replicas that differ, or ranks that
     *     restored different checkpoints
     */
    public Outcome runRank(DataParallel parallel, TrainingData data, int attempt, boolean resume, Device device)
            throws IOException {
        if (parallel.rank() == 0) {
            writeConfig();
        }
        return loop(data, parallel, attempt, resume, device);
    }

    private void writeConfig() throws IOException {
        store.writeAtomically(store.resolve(runDir, "config.conf"), config.render().getBytes(StandardCharsets.UTF_8));
    }

    /** The training loop; {@code parallel} null for the single-process run, {@code device} null for the default. */
    private Outcome loop(TrainingData data, DataParallel parallel, int attempt, boolean resume, Device device)
            throws IOException {
        TrainConfig train = config.train();
        boolean writer = parallel == null || parallel.rank() == 0;
        DistributedOptions options = parallel == null ? null : DistributedOptions.from(config);
        CheckpointStore checkpoints = new CheckpointStore(store, runDir, train.keepCheckpoints());
        SegmentationEvaluator evaluator = new SegmentationEvaluator(config.eval().size());
        String metricsPath = store.resolve(runDir, "metrics.jsonl");

        try (NDManager root = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
             TrainingSession session = parallel == null
                     ? TrainingSession.open(config, data, root, 0, listener::message)
                     : TrainingSession.open(config, data, root, parallel, listener::message)) {
            long start = resume ? session.restore(checkpoints, runDir, listener::message) : 0;
            if (parallel != null) {
                requireSameStart(parallel, start);
            }
            MetricsLog metrics = !writer ? null : start > 0 ? MetricsLog.resume(store, metricsPath, start)
                    : MetricsLog.create(store, metricsPath);
            SegmentationModel student = session.student();
            listener.message(String.format("model: %s, %,d parameters (%,d encoder)", config.model().spec().encoder(),
                    ModelParameters.countTrainable(student), ModelParameters.countTrainable(student.getEncoder())));
            listener.started(start, train.iters());
            EvalResult lastEval = null;
            IntervalStats interval = new IntervalStats();
            for (long t = start; t < train.iters(); t++) {
                if (options != null && options.failsAt(t, parallel.rank(), attempt)) {
                    throw new IllegalStateException("debug.failAtIteration: rank " + parallel.rank()
                            + " fails at iteration " + t + " of attempt " + attempt + " (injected fault)");
                }
                long began = System.nanoTime();
                StepResult result;
                try {
                    result = session.iterate(t);
                } catch (RuntimeException e) {
                    if (metrics != null) {
                        metrics.flush();
                    }
                    throw e;
                }
                double seconds = (System.nanoTime() - began) / 1e9;
                interval.add(result, seconds);
                listener.iteration(t, result, seconds);
                boolean last = t + 1 == train.iters();
                Map<String, Double> extra = new LinkedHashMap<>();
                if ((t + 1) % config.eval().interval() == 0 || last) {
                    lastEval = evaluate(parallel, evaluator, student, data, root, t + 1);
                    if (writer) {
                        EvalJson.write(store, store.resolve(runDir, EvalJson.FILE_NAME), lastEval);
                    }
                    extra.put("mIoU", lastEval.mIoU());
                    listener.evaluated(lastEval);
                }
                if ((t + 1) % train.logInterval() == 0 || last || !extra.isEmpty()) {
                    // every rank takes part: the logged losses are the means over all ranks' batches
                    double[] pseudo = {interval.meanPseudoConfidence()};
                    Map<String, Double> losses = meanOverRanks(parallel, interval.meanLosses(), pseudo);
                    if (writer) {
                        metrics.log(t, session.encoderLearningRate(t), losses, interval.meanSeconds(), pseudo[0], extra);
                        metrics.flush();
                    }
                    interval = new IntervalStats();
                }
                if (writer && !extra.isEmpty()) {
                    writeReport(evaluator, student, data, root, lastEval);
                }
                if (options != null && options.checksAfter(t, train.iters())) {
                    session.verifyReplicasIdentical(t + 1);
                    listener.replicasVerified(t + 1);
                }
                if (writer && ((t + 1) % train.checkpointInterval() == 0 || last)) {
                    listener.message("checkpoint: " + session.save(checkpoints, t + 1));
                }
                if ((t + 1) % GC_INTERVAL == 0) {
                    System.gc();
                }
            }
            String skipped = data.skippedSummary();
            if (!skipped.isEmpty()) {
                listener.message("data: " + skipped);
            }
            return new Outcome(train.iters(), start, lastEval, runDir);
        }
    }

    /** Fails on every rank unless all ranks restored the same checkpoint (a racing writer, a damaged directory). */
    private static void requireSameStart(DataParallel parallel, long start) {
        long[] starts = parallel.collective().allGatherLong(start);
        for (long s : starts) {
            if (s != start) {
                throw new IllegalStateException("ranks resumed at different iterations " + java.util.Arrays.toString(starts)
                        + " (seen by rank " + parallel.rank() + "); every rank must read the same latest checkpoint");
            }
        }
    }

    private static EvalResult evaluate(DataParallel parallel, SegmentationEvaluator evaluator, SegmentationModel student,
                                       TrainingData data, NDManager root, long iteration) throws IOException {
        return ShardedEvaluation.evaluate(parallel == null ? new DataParallel(new SingleRankCollective()) : parallel,
                evaluator, student, data, root, iteration);
    }

    /** Samples shown in {@code report.html}. */
    private static final int REPORT_PANELS = 3;

    /** {@code report.html}: curves, the per-class table and the first evaluation images' predictions. */
    private void writeReport(SegmentationEvaluator evaluator, SegmentationModel student, TrainingData data,
                             NDManager root, EvalResult eval) throws IOException {
        List<RunReport.Panel> panels = new ArrayList<>();
        for (SampleRef ref : data.evalSamples().subList(0, Math.min(REPORT_PANELS, data.evalSamples().size()))) {
            Optional<Sample> sample = data.readEval(ref);
            if (sample.isPresent() && sample.get().trainIds() != null) {
                Sample s = sample.get();
                panels.add(new RunReport.Panel(ref.id(), s.image(), s.trainIds(),
                        evaluator.predict(student, root, s.image())));
            }
        }
        RunReport.write(store, runDir, eval, panels);
    }

    /**
     * The loss means (and {@code pseudo[0]}) averaged over the ranks; unchanged for one rank. Every
     * rank has the same loss terms in the same order (same configuration), so one all-reduce does it.
     */
    private static Map<String, Double> meanOverRanks(DataParallel parallel, Map<String, Double> losses,
                                                     double[] pseudo) {
        if (parallel == null || parallel.size() == 1) {
            return losses;
        }
        float[] values = new float[losses.size() + 1];
        int i = 0;
        for (double v : losses.values()) {
            values[i++] = (float) v;
        }
        values[i] = (float) pseudo[0];
        parallel.collective().allReduceMean(values);
        Map<String, Double> out = new LinkedHashMap<>();
        i = 0;
        for (String name : losses.keySet()) {
            out.put(name, (double) values[i++]);
        }
        pseudo[0] = values[i];
        return out;
    }
}
