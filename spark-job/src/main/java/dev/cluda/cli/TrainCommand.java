package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.eval.ClassTable;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.jobs.DistributedTrainJob;
import dev.cluda.jobs.RankSummary;
import dev.cluda.jobs.SparkSessions;
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
        FileStore store = HadoopFileStore.fromEnvironment();
        boolean resumable = OutputDirectory.prepare(store, out, existing.overwrite ? OutputDirectory.IfExists.OVERWRITE
                : existing.resume ? OutputDirectory.IfExists.RESUME : OutputDirectory.IfExists.FAIL);
        if (config.ranks() > 1) {
            return distributed(config, resumable);
        }
        PrintWriter console = spec.commandLine().getOut();
        ConsoleListener listener = new ConsoleListener(console);
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

    /** {@code distributed.ranks > 1}: one Spark barrier task per rank ({@link DistributedTrainJob}). */
    private int distributed(CludaConfig config, boolean resume) {
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "train: %d ranks in a Spark barrier stage%n", config.ranks());
        console.flush();
        DistributedTrainJob.Result result;
        try (SparkSessions.Lease lease = DistributedTrainJob.session(config.ranks())) {
            result = DistributedTrainJob.run(lease.session(), config, out, resume);
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
        private ProgressBar bar;
        private long total;

        ConsoleListener(PrintWriter console) {
            this.console = console;
        }

        @Override
        public void message(String line) {
            console.println(line);
            console.flush();
        }

        @Override
        public void started(long first, long totalIterations) {
            total = totalIterations;
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
