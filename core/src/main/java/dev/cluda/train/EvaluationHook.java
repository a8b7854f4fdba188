package dev.cluda.train;

import ai.djl.ndarray.NDManager;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.model.SegmentationModel;
import dev.cluda.parallel.ShardedEvaluation;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every {@code eval.interval} iterations and after the last: the student's mIoU over the target
 * evaluation split (reference §9), shared among the ranks, written to {@code eval.json} by rank 0;
 * with {@code eval.pseudoLabelImages} also the EMA teacher's and the student's mIoU on target-train
 * images, the quality of the pseudo-labels the teacher gives against those the student would.
 */
final class EvaluationHook implements TrainingHook {

    /** Teacher and student mIoU on the same target-train images, after {@code iter} iterations. */
    record PseudoLabelQuality(long iter, double teacher, double student) {
    }

    private final TrainingSession session;
    private final TrainingData data;
    private final SegmentationEvaluator evaluator;
    private final NDManager manager;
    private final long interval;
    private final FileStore store;
    private final String evalJson;
    private final Consumer<EvalResult> evaluated;
    private EvalResult latest;
    private long latestIteration = -1;
    private PseudoLabelQuality pseudoLabelQuality;

    /** @param evalJson where rank 0 writes {@code eval.json}; null on the other ranks */
    EvaluationHook(TrainingSession session, TrainingData data, SegmentationEvaluator evaluator, NDManager manager,
                   long interval, FileStore store, String evalJson, Consumer<EvalResult> evaluated) {
        this.session = session;
        this.data = data;
        this.evaluator = evaluator;
        this.manager = manager;
        this.interval = interval;
        this.store = store;
        this.evalJson = evalJson;
        this.evaluated = evaluated;
    }

    /** Whether an evaluation is made after {@code it}. */
    boolean dueAfter(Iteration it) {
        return it.due(interval);
    }

    @Override
    public void afterIteration(Iteration it) throws IOException {
        if (!it.due(interval)) {
            return;
        }
        latest = ShardedEvaluation.evaluate(session.parallel(), evaluator, session.student(), data.evalSamples(),
                data.evalLoader(), manager, it.done());
        latestIteration = it.index();
        if (!data.pseudoLabelSamples().isEmpty() && session.teacher() != null) {
            pseudoLabelQuality = new PseudoLabelQuality(it.done(), scoreOnTargetTrain(session.teacher(), it),
                    scoreOnTargetTrain(session.student(), it));
        }
        if (evalJson != null) {
            EvalJson.write(store, evalJson, latest);
        }
        evaluated.accept(latest);
    }

    private double scoreOnTargetTrain(SegmentationModel model, Iteration it) throws IOException {
        return ShardedEvaluation.evaluate(session.parallel(), evaluator, model, data.pseudoLabelSamples(),
                data.targetLoader(), manager, it.done()).mIoU();
    }

    /** The pseudo-label quality measured with the evaluation after {@code iterationsDone} iterations, if it was. */
    Optional<PseudoLabelQuality> pseudoLabelQuality(long iterationsDone) {
        return pseudoLabelQuality != null && pseudoLabelQuality.iter() == iterationsDone
                ? Optional.of(pseudoLabelQuality) : Optional.empty();
    }

    /** The evaluation made after iteration {@code index}, if one was. */
    Optional<EvalResult> after(long index) {
        return index == latestIteration ? Optional.of(latest) : Optional.empty();
    }

    /** How images are scored (the report draws its predictions with it too). */
    SegmentationEvaluator evaluator() {
        return evaluator;
    }

    /** The latest evaluation of this run, or null before the first. */
    EvalResult latest() {
        return latest;
    }
}
