package dev.cluda.jobs;

import dev.cluda.eval.EvalResult;
import dev.cluda.train.Trainer;
import dev.cluda.uda.StepResult;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A training run's progress as plain lines, for a log a scheduler keeps or a notebook paragraph:
 * every message, one line per {@code train.logInterval} iterations (loss, seconds per iteration,
 * ETA) and one per evaluation.
 */
public final class ProgressLines implements Trainer.Listener {

    private final Consumer<String> sink;
    private final int logInterval;
    private long total;
    private long first;
    private long began;

    /** @param logInterval iterations between progress lines ({@code train.logInterval}) */
    public ProgressLines(Consumer<String> sink, int logInterval) {
        this.sink = sink;
        this.logInterval = logInterval;
    }

    @Override
    public void message(String line) {
        sink.accept(line);
    }

    @Override
    public void started(long firstIteration, long totalIterations) {
        total = totalIterations;
        first = firstIteration;
        began = System.nanoTime();
    }

    @Override
    public void iteration(long iteration, StepResult result, double seconds) {
        if ((iteration + 1) % logInterval == 0 || iteration + 1 == total) {
            double perIteration = (System.nanoTime() - began) / 1e9 / (iteration + 1 - first);
            sink.accept(String.format(Locale.ROOT, "train: iteration %d/%d, loss %.4f, %.2f s/iter, ETA %.1f min",
                    iteration + 1, total, result.losses().get("total"), perIteration,
                    perIteration * (total - iteration - 1) / 60));
        }
    }

    @Override
    public void evaluated(EvalResult result) {
        sink.accept(evaluation(result));
    }

    /** The line of an evaluation: {@code eval: iteration I/N, target mIoU M}. */
    public String evaluation(EvalResult result) {
        return String.format(Locale.ROOT, "eval: iteration %d/%d, target mIoU %.2f", result.iter(), total,
                result.mIoU());
    }
}
