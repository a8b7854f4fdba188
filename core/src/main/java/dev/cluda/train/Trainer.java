package dev.cluda.train;

import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.TrainConfig;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.model.ModelParameters;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains one rank of a run and writes the run directory of ARCHITECTURE.md ({@code config.conf},
 * {@code metrics.jsonl}, {@code eval.json}, {@code checkpoints/}, {@code report.html}, {@code train.log}); a run in
 * this process is the one rank of {@link Rank#alone()}. The loop runs the iterations and hands
 * each to the {@link TrainingHook}s, which own the periodic work. Random streams come from (seed,
 * rank, iteration), so a resumed run continues from the latest complete checkpoint and ends
 * bit-identical to an uninterrupted one on CPU.
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
        TrainingData data = TrainingData.prepare(config, store, store.resolve(runDir, "rcs"), listener::message);
        return run(data, Rank.alone(), resume);
    }

    /**
     * Runs the configured iterations as {@code rank}. With several ranks every rank must call it
     * on the thread that iterates, at the same time, with the same configuration: every rank
     * restores the latest checkpoint (when {@code resume}) and they agree on where to start;
     * only rank 0 writes.
     *
     * @param data this rank's data ({@link TrainingData#prepare}; only rank 0 should write statistics)
     * @param resume continue from the latest checkpoint in the run directory (fresh start if none)
     * @throws IllegalStateException for the injected fault, replicas that differ, or ranks that
     *     restored different checkpoints
     */
    public Outcome run(TrainingData data, Rank rank, boolean resume) throws IOException {
        TrainConfig train = config.train();
        // rank 0 keeps train.log (dated messages, progress, evaluations, the build) across resumes
        Listener listener = rank.writes()
                ? TrainLogListener.open(this.listener, store, runDir, train, Clock.systemUTC()) : this.listener;
        CheckpointStore checkpoints = new CheckpointStore(store, runDir, train.keepCheckpoints());
        try (NDManager root = rank.device() == null ? NDManager.newBaseManager() : NDManager.newBaseManager(rank.device());
             TrainingSession session = TrainingSession.open(config, data, root, rank.parallel(), listener::message)) {
            long start = resume ? session.restore(checkpoints, runDir, listener::message) : 0;
            // a racing writer or a damaged directory could make ranks restore different checkpoints
            rank.parallel().requireSameOnEveryRank(start, "the iteration restored from the latest checkpoint");
            if (rank.writes()) {
                // after a successful restore: a refused resume leaves the run's configuration as it was
                store.writeAtomically(store.resolve(runDir, "config.conf"), config.render().getBytes(StandardCharsets.UTF_8));
            }
            List<Consumer<EvalResult>> onEvaluated = new ArrayList<>();
            EvaluationHook evaluation = new EvaluationHook(session, data, TrainingComponents.evaluator(config),
                    root, config.eval().interval(), store,
                    rank.writes() ? store.resolve(runDir, EvalJson.FILE_NAME) : null,
                    result -> onEvaluated.forEach(c -> c.accept(result)));
            RunHooks runHooks = new RunHooks(config, store, runDir, listener);
            List<TrainingHook> hooks = runHooks.build(session, data, rank, root, checkpoints, evaluation, start,
                    onEvaluated);
            onEvaluated.add(listener::evaluated);
            if (start > 0) {
                runHooks.catchUpEvaluation(rank, evaluation, hooks, start);
            }
            listener.message(String.format("model: %s, %,d parameters (%,d encoder)", config.model().spec().encoder(),
                    ModelParameters.countTrainable(session.student()),
                    ModelParameters.countTrainable(session.student().getEncoder())));
            listener.started(start, train.iters());
            for (long t = start; t < train.iters(); t++) {
                for (TrainingHook hook : hooks) {
                    hook.beforeIteration(t);
                }
                long began = System.nanoTime();
                StepResult result = session.iterate(t);
                double seconds = (System.nanoTime() - began) / 1e9;
                listener.iteration(t, result, seconds);
                Iteration it = new Iteration(t, train.iters(), result, seconds);
                for (TrainingHook hook : hooks) {
                    hook.afterIteration(it);
                }
            }
            String skipped = data.skippedSummary();
            if (!skipped.isEmpty()) {
                listener.message("data: " + skipped);
            }
            return new Outcome(train.iters(), start, evaluation.latest(), runDir);
        }
    }
}
