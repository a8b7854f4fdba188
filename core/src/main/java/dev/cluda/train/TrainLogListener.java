package dev.cluda.train;

import dev.cluda.config.TrainConfig;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.rundir.BuildInfo;
import dev.cluda.rundir.TrainLog;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;

/**
 * Rank 0's {@code train.log}: what the listener hears (messages, one progress line per
 * {@code train.logInterval} with losses, s/iter and ETA, evaluations), dated, with the build that
 * ran first; passed on to the caller's listener unchanged.
 */
final class TrainLogListener implements Trainer.Listener {

    private final Trainer.Listener next;
    private final TrainLog log;
    private final long logInterval;
    private long total;
    private long first;
    private long began;

    private TrainLogListener(Trainer.Listener next, TrainLog log, long logInterval) {
        this.next = next;
        this.log = log;
        this.logInterval = logInterval;
    }

    /** Opens (or continues) the run's log and records the build that runs. */
    static TrainLogListener open(Trainer.Listener next, FileStore store, String runDir, TrainConfig train, Clock clock)
            throws IOException {
        TrainLogListener l = new TrainLogListener(next, TrainLog.open(store, runDir, clock), train.logInterval());
        l.log.line("session: " + BuildInfo.current().describe() + ", java " + System.getProperty("java.version"));
        l.log.flush();
        return l;
    }

    @Override
    public void message(String line) {
        next.message(line);
        write(line);
    }

    @Override
    public void started(long firstIteration, long totalIterations) {
        next.started(firstIteration, totalIterations);
        first = firstIteration;
        total = totalIterations;
        began = System.nanoTime();
        write(String.format(Locale.ROOT, "train: iterations %d to %d", firstIteration + 1, totalIterations));
    }

    @Override
    public void iteration(long iteration, StepResult result, double seconds) {
        next.iteration(iteration, result, seconds);
        if ((iteration + 1) % logInterval == 0 || iteration + 1 == total) {
            double perIteration = (System.nanoTime() - began) / 1e9 / (iteration + 1 - first);
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "train: iteration %d/%d", iteration + 1,
                    total));
            result.losses().forEach((name, v) -> b.append(String.format(Locale.ROOT, ", %s %.4f", name, v)));
            b.append(String.format(Locale.ROOT, ", %.2f s/iter, ETA %.1f min", perIteration,
                    perIteration * (total - iteration - 1) / 60));
            write(b.toString());
        }
    }

    @Override
    public void evaluated(EvalResult result) {
        next.evaluated(result);
        write(String.format(Locale.ROOT, "eval: iteration %d/%d, target mIoU %.2f", result.iter(), total,
                result.mIoU()));
    }

    @Override
    public void replicasVerified(long iteration) {
        next.replicasVerified(iteration);
    }

    private void write(String line) {
        log.line(line);
        try {
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("train.log cannot be written", e);
        }
    }
}
