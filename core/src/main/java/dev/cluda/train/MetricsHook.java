package dev.cluda.train;

import dev.cluda.eval.EvalResult;
import dev.cluda.parallel.DataParallel;
import dev.cluda.rundir.MetricsLog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code metrics.jsonl}: every {@code train.logInterval} iterations, after the last and at each
 * evaluation, one line with the interval's mean losses, seconds per iteration and pseudo-label
 * confidence (means over all ranks' batches) and the learning rate, written before the iteration's
 * checkpoint so a kill after the checkpoint loses no line; the evaluation's mIoU is added to the
 * line once it is made ({@link #evaluated}).
 */
final class MetricsHook implements TrainingHook {

    private final TrainingSession session;
    private final EvaluationHook evaluation;
    private final MetricsLog log;
    private final long interval;
    private IntervalStats stats = new IntervalStats();

    /** @param log rank 0's log; null on the other ranks, which still take part in the mean */
    MetricsHook(TrainingSession session, EvaluationHook evaluation, MetricsLog log, long interval) {
        this.session = session;
        this.evaluation = evaluation;
        this.log = log;
        this.interval = interval;
    }

    @Override
    public void afterIteration(Iteration it) {
        stats.add(it.result(), it.seconds());
        if (!it.due(interval) && !evaluation.dueAfter(it)) {
            return;
        }
        double[] pseudo = {stats.meanPseudoConfidence()};
        Map<String, Double> losses = meanOverRanks(session.parallel(), stats.meanLosses(), pseudo);
        if (log != null) {
            // this iteration's own gradient norms (debug.gradientNorms; rank 0's gradients before the all-reduce)
            Map<String, Double> extra = new LinkedHashMap<>();
            it.result().gradientNorms().forEach((name, norm) -> extra.put("grad." + name, norm));
            log.log(it.index(), session.encoderLearningRate(it.index()), losses, stats.meanSeconds(), pseudo[0],
                    extra);
            log.flush();
        }
        stats = new IntervalStats();
    }

    /** Adds an evaluation's mIoU to the line of its iteration (rank 0; nothing elsewhere). */
    void evaluated(EvalResult result) {
        if (log == null) {
            return;
        }
        boolean changed = log.annotate(result.iter() - 1L, "mIoU", result.mIoU());
        var quality = evaluation.pseudoLabelQuality(result.iter());
        if (quality.isPresent()) {
            changed |= log.annotate(result.iter() - 1L, "pl_mIoU.teacher", quality.get().teacher());
            changed |= log.annotate(result.iter() - 1L, "pl_mIoU.student", quality.get().student());
        }
        if (changed) {
            log.flush();
        }
    }

    /**
     * The loss means (and {@code pseudo[0]}) averaged over the ranks; unchanged for one rank. Every
     * rank has the same loss terms in the same order (same configuration), so one all-reduce does it.
     */
    private static Map<String, Double> meanOverRanks(DataParallel parallel, Map<String, Double> losses,
                                                     double[] pseudo) {
        if (parallel.size() == 1) {
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
