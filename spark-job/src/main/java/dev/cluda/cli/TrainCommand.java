package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.eval.ClassTable;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.io.RunDirectoryLock;
import dev.cluda.io.TempFiles;
import dev.cluda.rundir.TrainLog;
import dev.cluda.jobs.DistributedTrainJob;
import dev.cluda.jobs.RankSummary;
import dev.cluda.jobs.SparkSessions;
import dev.cluda.jobs.TrainingDataCheck;
import dev.cluda.train.Trainer;
import dev.cluda.uda.StepResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cluda train}: trains CLUDA (or a configured baseline) and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a segmentation model with CLUDA (or the configured baseline) and write a run directory.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run directory (local path or Hadoop URI)")
    String out;

    @ArgGroup(exclusive = true)
    Existing existing = new Existing();

    static final class Existing {
        @Option(names = "--resume", description = "continue the run in --out from its latest checkpoint")
        boolean resume;

        @Option(names = "--overwrite", description = "delete --out and start again")
        boolean overwrite;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CludaConfig config = CludaConfig.from(configOptions.load());
        FileStore store = HadoopFileStore.forDriver();
        PrintWriter console = spec.commandLine().getOut();
        OutputDirectory.requireDirectoryOrAbsent(store, out);
        if (!existing.resume && !existing.overwrite) {
            // refused before locking: taking the lock rewrites .lock, and a refused run must leave the directory untouched
            OutputDirectory.prepare(store, out, OutputDirectory.IfExists.FAIL);
        }
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(store, out)) {
            if (lock.advisory()) {
                console.println("train: " + out + " cannot be locked on this file system; the lock is advisory:"
                        + " only one process may use a run directory at a time");
            }
            boolean resumable = OutputDirectory.prepare(store, out, existing.overwrite ? OutputDirectory.IfExists.OVERWRITE
                    : existing.resume ? OutputDirectory.IfExists.RESUME : OutputDirectory.IfExists.FAIL);
            int stale = TempFiles.removeStaleTempFiles(store, out);
            if (stale > 0) {
                console.println("train: removed " + stale + " temporary file(s) of interrupted writes in " + out);
            }
            try {
                return config.ranks() > 1 ? distributed(config, store, resumable) : inProcess(config, store, resumable);
            } catch (Exception | Error e) {
                if (!resumable && !store.exists(store.resolve(out, "config.conf"))) {
                    // a start that failed before training began leaves nothing that would block the corrected rerun
                    OutputDirectory.clearKeepingLock(store, out);
                }
                throw e;
            }
        }
    }

    /** One rank in this process; the data checked first in a local Spark job. */
    private int inProcess(CludaConfig config, FileStore store, boolean resumable) throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if (config.data().checkAtStart()) {
            try (SparkSessions.Lease lease = SparkSessions.open(null, "cluda train: data check")) {
                TrainingDataCheck.run(lease.session(), config, store, line -> message(console, line));
            }
        }
        ConsoleListener listener = new ConsoleListener(console, config.train().logInterval());
        long began = System.nanoTime();
        Trainer.Outcome outcome;
        try {
            outcome = new Trainer(config, store, out, listener).run(resumable);
        } finally {
            listener.close();
        }
        EvalResult eval = outcome.lastEval();
        if (eval != null) {
            console.println(ClassTable.format(eval));
        }
        console.printf(Locale.ROOT, "train: %d iterations%s in %.1f min, target mIoU %.2f, run directory %s%n",
                outcome.iterations() - outcome.resumedFrom(),
                outcome.resumedFrom() > 0 ? " (resumed at " + outcome.resumedFrom() + ")" : "",
                (System.nanoTime() - began) / 6e10, eval == null ? Double.NaN : eval.mIoU(), out);
        console.flush();
        return 0;
    }

    private static void message(PrintWriter console, String line) {
        console.println(line);
        console.flush();
    }

    /** {@code distributed.ranks > 1}: one Spark barrier task per rank ({@link DistributedTrainJob}). */
    private int distributed(CludaConfig config, FileStore store, boolean resume) throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "train: %d ranks in a Spark barrier stage%n", config.ranks());
        console.flush();
        DistributedTrainJob.Result result;
        try (SparkSessions.Lease lease = DistributedTrainJob.session(config.ranks())) {
            if (config.data().checkAtStart()) {
                TrainingDataCheck.run(lease.session(), config, store, line -> message(console, line));
            }
            try (RunLogTail tail = RunLogTail.start(store, store.resolve(out, TrainLog.FILE), console, 2000)) {
                result = DistributedTrainJob.run(lease.session(), config, out, resume);
            }
        }
        for (RankSummary r : result.ranks()) {
            console.printf(Locale.ROOT, "rank %d: %s on %s, started at iteration %d, replicas checked identical %d"
                    + " times, %.1f s%n", r.rank(), r.address(), r.device(), r.resumedFrom(), r.replicaChecks(),
                    r.seconds());
        }
        RankSummary first = result.ranks().get(0);
        console.printf(Locale.ROOT, "train: %d iterations%s on %d ranks in %.1f min, %d stage attempt%s, target mIoU"
                        + " %.2f, run directory %s%n", first.iterations() - first.resumedFrom(),
                first.resumedFrom() > 0 ? " (resumed at " + first.resumedFrom() + ")" : "", result.ranks().size(),
                result.seconds() / 60, result.attempts(), result.attempts() == 1 ? "" : "s", first.mIoU(), out);
        console.flush();
        return 0;
    }

    /** Messages as lines; iterations as a progress bar with ETA when stdout is a terminal. */
    private static final class ConsoleListener implements Trainer.Listener, AutoCloseable {
        private final PrintWriter console;
        private final boolean terminal = System.console() != null;
        private final int logInterval;
        private ProgressBar bar;
        private long total;
        private long first;
        private long began;

        /** @param logInterval iterations between the plain progress lines printed off a terminal */
        ConsoleListener(PrintWriter console, int logInterval) {
            this.console = console;
            this.logInterval = logInterval;
        }

        @Override
        public void message(String line) {
            console.println(line);
            console.flush();
        }

        @Override
        public void started(long first, long totalIterations) {
            total = totalIterations;
            this.first = first;
            began = System.nanoTime();
            if (terminal) {
                bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalIterations)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
                bar.stepTo(first);
            }
        }

        @Override
        public void iteration(long iteration, StepResult result, double seconds) {
            if (bar != null) {
                bar.stepTo(iteration + 1);
                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f", result.losses().get("total")));
            } else if ((iteration + 1) % logInterval == 0 || iteration + 1 == total) {
                // batch use (a scheduler's log, spark-submit): one plain line per log interval
                double perIteration = (System.nanoTime() - began) / 1e9 / (iteration + 1 - first);
                message(String.format(Locale.ROOT, "train: iteration %d/%d, loss %.4f, %.2f s/iter, ETA %.1f min",
                        iteration + 1, total, result.losses().get("total"), perIteration,
                        perIteration * (total - iteration - 1) / 60));
            }
        }

        @Override
        public void evaluated(EvalResult result) {
            String line = String.format(Locale.ROOT, "eval: iteration %d/%d, target mIoU %.2f", result.iter(), total,
                    result.mIoU());
            if (bar != null) {
                bar.setExtraMessage(line);
            } else {
                message(line);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
