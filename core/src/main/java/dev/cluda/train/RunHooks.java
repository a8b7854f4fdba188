package dev.cluda.train;

import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.TrainConfig;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.rundir.MetricsLog;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The periodic work of a run: which hooks a rank runs, in which order, and the evaluation a resume owes. */
final class RunHooks {

    /** Iterations between explicit collections. */
    private static final int GC_INTERVAL = 50;

    private final CludaConfig config;
    private final FileStore store;
    private final String runDir;
    private final Trainer.Listener listener;

    RunHooks(CludaConfig config, FileStore store, String runDir, Trainer.Listener listener) {
        this.config = config;
        this.store = store;
        this.runDir = runDir;
        this.listener = listener;
    }

    /**
     * The periodic work, in the order it runs after each iteration: the replica check (so a
     * diverged state is never saved), the metrics line, the checkpoint (after the line, so a kill
     * after the checkpoint loses no line; before the evaluation, so a failing evaluation loses no
     * iteration), the evaluation (its mIoU is added to the line), the report (after each evaluation
     * and each checkpoint), garbage collection.
     */
    List<TrainingHook> build(TrainingSession session, TrainingData data, Rank rank, NDManager root,
                                     CheckpointStore checkpoints, EvaluationHook evaluation, long start,
                                     List<Consumer<EvalResult>> onEvaluated) throws IOException {
        TrainConfig train = config.train();
        List<TrainingHook> hooks = new ArrayList<>();
        hooks.add(new FaultInjectionHook(config.debug(), rank.index(), rank.attempt()));
        if (rank.parallel().size() > 1) {
            hooks.add(new ReplicaCheckHook(session, config.distributed(), listener::replicasVerified));
        }
        MetricsLog metrics = null;
        if (rank.writes()) {
            String path = store.resolve(runDir, "metrics.jsonl");
            metrics = start > 0 ? MetricsLog.resume(store, path, start) : MetricsLog.create(store, path);
        }
        MetricsHook metricsHook = new MetricsHook(session, evaluation, metrics, train.logInterval());
        onEvaluated.add(metricsHook::evaluated);
        hooks.add(metricsHook);
        if (rank.writes()) {
            hooks.add(new CheckpointHook(session, checkpoints, train.checkpointInterval(), listener::message));
        }
        hooks.add(evaluation);
        if (rank.writes()) {
            hooks.add(new ReportHook(session, data, evaluation, root, store, runDir, config, Clock.systemUTC(),
                    start > 0 ? evaluationToResumeFrom(start) : null));
        }
        hooks.add(new GarbageCollectionHook(GC_INTERVAL));
        return hooks;
    }

    /**
     * The evaluation in {@code eval.json} when it belongs to this run up to the restored iteration
     * {@code start} (a fallback to an older checkpoint can leave a later one there), else null; an
     * unreadable file only costs the report its table until the next evaluation.
     */
    private EvalResult evaluationToResumeFrom(long start) {
        String path = store.resolve(runDir, EvalJson.FILE_NAME);
        try {
            if (store.exists(path)) {
                EvalResult result = EvalJson.read(store, path);
                return result.iter() >= 0 && result.iter() <= start ? result : null;
            }
        } catch (IOException e) {
            listener.message("report: not showing " + path + " (" + e.getMessage() + ")");
        }
        return null;
    }

    /**
     * A run killed between a checkpoint and the evaluation of its iteration resumes after that
     * iteration: the evaluation (eval.json, the line's mIoU, the report) is made first. Rank 0's
     * eval.json decides, so every rank takes part in the sharded evaluation or none does.
     */
    void catchUpEvaluation(Rank rank, EvaluationHook evaluation, List<TrainingHook> hooks, long start)
            throws IOException {
        Iteration last = new Iteration(start - 1, config.train().iters(), null, 0);
        if (!evaluation.dueAfter(last)) {
            return;
        }
        long evaluated = -1;
        String evalJson = store.resolve(runDir, EvalJson.FILE_NAME);
        if (rank.writes() && store.exists(evalJson)) {
            evaluated = EvalJson.read(store, evalJson).iter();
        }
        if (rank.parallel().collective().allGatherLong(evaluated)[0] >= start) {
            return;
        }
        listener.message("resume: evaluating iteration " + start + ", which the interrupted run had not");
        for (TrainingHook hook : hooks) {
            if (hook instanceof EvaluationHook || hook instanceof ReportHook) {
                hook.afterIteration(last);
            }
        }
    }
}
