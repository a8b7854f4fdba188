package dev.cluda.cli;

import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.CheckpointLocation;
import dev.cluda.jobs.Retraining;
import dev.cluda.jobs.SparkSessions;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cluda retrain}: one scheduled retraining round ({@link Retraining}). */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = "One retraining round for new target data: warm start from the model in service, pseudo-labels "
                + "on the new data, training, evaluation on the fixed validation set, promotion if mIoU does not drop. "
                + "Idempotent: a finished round is not rerun, a crashed one resumes. history.json in --out lists the "
                + "rounds.")
final class RetrainCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "RUN_DIR",
            description = "the model in service before the first round: a run directory (later rounds start from "
                    + "the last promoted round, as history.json records)")
    String from;

    @Option(names = "--target", required = true, paramLabel = "ROOT",
            description = "root of the new target data in the run's target layout (local path or Hadoop URI)")
    String target;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "the retraining folder: round-NNNN/ (pseudo/, run/) and history.json")
    String out;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of the warm start's configuration for the round (e.g. train.iters=2000)")
    List<String> overrides = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        FileStore store = HadoopFileStore.forDriver();
        Retraining.Request request = new Retraining.Request(CheckpointLocation.absolute(from),
                CheckpointLocation.absolute(target), CheckpointLocation.absolute(out), overrides);
        Retraining.Outcome outcome;
        try (SparkSessions.Lease lease = SparkSessions.open(null, "cluda retrain")) {
            outcome = Retraining.run(lease.session(), store, request, Clock.systemUTC(), line -> {
                console.println(line);
                console.flush();
            });
        }
        console.printf(Locale.ROOT, "retrain: round %d %s, mIoU %.2f (in service before: %.2f), history in %s%n",
                outcome.round().round(), outcome.round().promoted() ? "promoted" : "not promoted",
                outcome.round().mIoU(), outcome.round().baselineMIoU(), out);
        console.flush();
        return 0;
    }
}
