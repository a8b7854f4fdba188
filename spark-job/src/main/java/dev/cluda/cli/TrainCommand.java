package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.eval.ClassTable;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.jobs.DistributedTrainJob;
import dev.cluda.jobs.ProgressLines;
import dev.cluda.jobs.RankSummary;
import dev.cluda.jobs.SparkSessions;
import dev.cluda.jobs.TrainingRun;
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
        OutputDirectory.IfExists ifExists = existing.overwrite ? OutputDirectory.IfExists.OVERWRITE
                : existing.resume ? OutputDirectory.IfExists.RESUME : OutputDirectory.IfExists.FAIL;
        TrainingRun.Result result;
        try (ConsoleListener listener = new ConsoleListener(console, config.train().logInterval())) {
            result = TrainingRun.run(config, store, out, ifExists, TrainCommand::session, listener);
        }
        if (result.ranks().isEmpty()) {
            printInProcess(console, result);
        } else {
            printDistributed(console, result);
        }
        console.flush();
        return 0;
    }

    /** A new or the running session: for the data check, or a barrier stage of {@code ranks} tasks. */
    private static SparkSessions.Lease session(int ranks) {
        return ranks > 1 ? DistributedTrainJob.session(ranks) : SparkSessions.open(null, "cluda train: data check");
    }

    private void printInProcess(PrintWriter console, TrainingRun.Result result) {
        EvalResult eval = result.lastEval();
        if (eval != null) {
            console.println(ClassTable.format(eval));
        }
        console.printf(Locale.ROOT, "train: %d iterations%s in %.1f min, target mIoU %.2f, run directory %s%n",
                result.iterations() - result.resumedFrom(),
                result.resumedFrom() > 0 ? " (resumed at " + result.resumedFrom() + ")" : "",
                result.seconds() / 60, eval == null ? Double.NaN : eval.mIoU(), out);
    }

    private void printDistributed(PrintWriter console, TrainingRun.Result result) {
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
    }

    /** Messages as lines; iterations as a progress bar with ETA on a terminal, else as {@link ProgressLines}. */
    private static final class ConsoleListener implements Trainer.Listener, AutoCloseable {
        private final ProgressLines lines;
        private final boolean terminal = System.console() != null;
        private ProgressBar bar;

        /** @param logInterval iterations between the plain progress lines printed off a terminal */
        ConsoleListener(PrintWriter console, int logInterval) {
            this.lines = new ProgressLines(line -> {
                console.println(line);
                console.flush();
            }, logInterval);
        }

        @Override
        public void message(String line) {
            lines.message(line);
        }

        @Override
        public void started(long first, long totalIterations) {
            lines.started(first, totalIterations);
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
            } else {
                // batch use (a scheduler's log, spark-submit): one plain line per log interval
                lines.iteration(iteration, result, seconds);
            }
        }

        @Override
        public void evaluated(EvalResult result) {
            if (bar != null) {
                bar.setExtraMessage(lines.evaluation(result));
            } else {
                lines.evaluated(result);
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
