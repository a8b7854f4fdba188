package dev.cluda.jobs;

import dev.cluda.config.CludaConfig;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.io.RunDirectoryLock;
import dev.cluda.io.TempFiles;
import dev.cluda.rundir.TrainLog;
import dev.cluda.train.Trainer;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A training run as {@code cluda train} and the notebook API start it: the run directory checked,
 * locked ({@link RunDirectoryLock}) and prepared for a fresh run, a resume or an overwrite; every
 * sample checked first ({@code data.checkAtStart}, {@link TrainingDataCheck}); then one rank in this
 * process ({@link Trainer}) or, with {@code distributed.ranks > 1}, one Spark barrier task per rank
 * ({@link DistributedTrainJob}, with rank 0's {@code train.log} handed to the listener as it
 * grows). A start that fails before training began leaves nothing that would block the corrected rerun.
 */
public final class TrainingRun {

    /** Milliseconds between two reads of rank 0's {@code train.log} in a distributed run. */
    private static final long LOG_TAIL_MILLIS = 2000;

    /**
     * How the run went.
     *
     * @param runDir the run directory
     * @param iterations the iterations the run has done in all, earlier sessions included
     * @param resumedFrom the iteration this session started at (0 for a fresh run)
     * @param lastEval the latest evaluation ({@code eval.json}), or null if the run made none
     * @param seconds wall time of the training, the data check not included
     * @param ranks one summary per rank of a distributed run, in rank order; empty for a run in this process
     * @param attempts the Spark stage attempts of a distributed run (1 = no retry); 1 in this process
     */
    public record Result(String runDir, long iterations, long resumedFrom, EvalResult lastEval, double seconds,
                         List<RankSummary> ranks, int attempts) {
        public Result {
            ranks = List.copyOf(ranks);
        }
    }

    /** Where the Spark work of a run (the data check, the barrier stage) runs. */
    @FunctionalInterface
    public interface Sessions {
        /** The session for a run of {@code ranks} ranks; closing the lease stops it if the lease started it. */
        SparkSessions.Lease open(int ranks);
    }

    private TrainingRun() {
    }

    /**
     * Trains {@code config} into the run directory {@code out}.
     *
     * @param ifExists what a run directory that already holds files does: refuse ({@code FAIL}),
     *     continue from its latest checkpoint ({@code RESUME}) or start again ({@code OVERWRITE})
     * @param listener receives every message and the progress of a run in this process
     * @throws dev.cluda.error.UserInputException naming {@code out} if it is a file, holds files under
     *     {@code FAIL}, or is locked by another process
     * @throws SampleTable.BadSamplesException under {@code data.onBadSample = fail}, naming the files
     */
    public static Result run(CludaConfig config, FileStore store, String out, OutputDirectory.IfExists ifExists,
                             Sessions sessions, Trainer.Listener listener) throws IOException {
        OutputDirectory.requireDirectoryOrAbsent(store, out);
        if (ifExists == OutputDirectory.IfExists.FAIL) {
            // refused before locking: taking the lock rewrites .lock, and a refused run must leave the directory untouched
            OutputDirectory.prepare(store, out, OutputDirectory.IfExists.FAIL);
        }
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(store, out)) {
            if (lock.advisory()) {
                listener.message("train: " + out + " cannot be locked on this file system; the lock is advisory:"
                        + " only one process may use a run directory at a time");
            }
            boolean resumable = OutputDirectory.prepare(store, out, ifExists);
            int stale = TempFiles.removeStaleTempFiles(store, out);
            if (stale > 0) {
                listener.message("train: removed " + stale + " temporary file(s) of interrupted writes in " + out);
            }
            try {
                return config.ranks() > 1 ? distributed(config, store, out, resumable, sessions, listener)
                        : inProcess(config, store, out, resumable, sessions, listener);
            } catch (Exception | Error e) {
                if (!resumable && !store.exists(store.resolve(out, "config.conf"))) {
                    // a start that failed before training began leaves nothing that would block the corrected rerun
                    OutputDirectory.clearKeepingLock(store, out);
                }
                throw e;
            }
        }
    }

    /** One rank in this process; the data checked first in a Spark job. */
    private static Result inProcess(CludaConfig config, FileStore store, String out, boolean resume,
                                    Sessions sessions, Trainer.Listener listener) throws IOException {
        if (config.data().checkAtStart()) {
            try (SparkSessions.Lease lease = sessions.open(1)) {
                TrainingDataCheck.run(lease.session(), config, store, listener::message);
            }
        }
        long began = System.nanoTime();
        Trainer.Outcome outcome = new Trainer(config, store, out, listener).run(resume);
        return new Result(out, outcome.iterations(), outcome.resumedFrom(), outcome.lastEval(),
                (System.nanoTime() - began) / 1e9, List.of(), 1);
    }

    /** {@code distributed.ranks > 1}: one Spark barrier task per rank. */
    private static Result distributed(CludaConfig config, FileStore store, String out, boolean resume,
                                      Sessions sessions, Trainer.Listener listener) throws IOException {
        listener.message(String.format(Locale.ROOT, "train: %d ranks in a Spark barrier stage", config.ranks()));
        DistributedTrainJob.Result result;
        try (SparkSessions.Lease lease = sessions.open(config.ranks())) {
            if (config.data().checkAtStart()) {
                TrainingDataCheck.run(lease.session(), config, store, listener::message);
            }
            try (RunLogTail tail = RunLogTail.start(store, store.resolve(out, TrainLog.FILE), listener::message,
                    LOG_TAIL_MILLIS)) {
                result = DistributedTrainJob.run(lease.session(), config, out, resume);
            }
        }
        RankSummary first = result.ranks().get(0);
        String evalJson = store.resolve(out, EvalJson.FILE_NAME);
        // rank 0 wrote the evaluation; NaN when this session made none
        EvalResult eval = Double.isNaN(first.mIoU()) || !store.exists(evalJson) ? null : EvalJson.read(store, evalJson);
        return new Result(out, first.iterations(), first.resumedFrom(), eval, result.seconds(), result.ranks(),
                result.attempts());
    }
}
