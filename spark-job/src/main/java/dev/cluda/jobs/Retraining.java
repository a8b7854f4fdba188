package dev.cluda.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig;
import dev.cluda.dataset.SyntheticDatasets;
import dev.cluda.error.UserInputException;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Scheduled retraining, one round per call ({@code cluda retrain}): warm start from the model in
 * service (not {@code --resume}, which continues one run's schedule), pseudo-labels of the new
 * target data by its teacher, training on them (self-training from the warm start, stored
 * pseudo-labels), evaluation on a validation set fixed at the first round, and promotion only if
 * the mIoU does not drop. Each round keeps its folder ({@code round-NNNN/}: {@code pseudo/},
 * {@code run/} with its report) and {@code history.json} lists the rounds. Idempotent: the round
 * of the target the last round finished is not rerun, and a crashed round continues where it stopped.
 */
public final class Retraining {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUND_FILE = "round.json";

    /**
     * @param from the first warm start: a run directory (used while the history has no promoted round)
     * @param target root of the new target data, in the run's target layout (its {@code data.target.split} is labelled)
     * @param out the retraining folder
     * @param overrides {@code key=value} after the warm start's configuration (e.g. {@code train.iters=2000})
     */
    public record Request(String from, String target, String out, List<String> overrides) {
        public Request {
            overrides = List.copyOf(overrides);
        }
    }

    /** What a call did: the round (new or found finished) and whether it trained now. */
    public record Outcome(RetrainHistory.Round round, boolean trainedNow) {
    }

    private Retraining() {
    }

    public static Outcome run(SparkSession spark, FileStore store, Request request, Clock clock, Consumer<String> log)
            throws IOException {
        RetrainHistory history = RetrainHistory.read(store, request.out());
        if (history != null && history.last() != null && history.last().target().equals(request.target())) {
            log.accept("retrain: round " + history.last().round() + " already trained on " + request.target()
                    + "; nothing to do");
            return new Outcome(history.last(), false);
        }
        String warm = history == null ? request.from() : history.currentRun();
        CheckpointLocation warmStart = CheckpointLocation.resolve(store, warm);
        if (warmStart.runDir() == null) {
            throw new UserInputException("--from " + warm + " must be a run directory (the warm start's config.conf"
                    + " is the round's configuration)");
        }
        int number = history == null ? 1 : history.rounds().size() + 1;
        String roundDir = store.resolve(request.out(), String.format(Locale.ROOT, "round-%04d", number));
        String started = startOrContinue(store, roundDir, request.target(), warm, clock);
        log.accept("retrain: round " + number + " on " + request.target() + ", warm start " + warm);

        CludaConfig warmConfig = CludaConfig.from(warmStart.loadConfig(store, null, List.of()));
        String valRoot = history != null ? history.validationRoot() : warmConfig.data().evalDataset().root();
        String valSplit = history != null ? history.validationSplit() : warmConfig.data().evalSplit();
        String pseudo = store.resolve(roundDir, "pseudo");
        String runDir = store.resolve(roundDir, "run");
        List<String> overrides = new ArrayList<>(List.of(
                "data.target.root=" + quoted(request.target()),
                "data.target.evalRoot=" + quoted(valRoot),
                "data.target.evalSplit=" + quoted(valSplit),
                "uda.enabled=true",
                "uda.pseudoLabels=precomputed",
                "uda.pseudoLabelDir=" + quoted(pseudo),
                "model.init=" + quoted(warmStart.runDir()),
                "model.pretrained=\"\""));
        overrides.addAll(request.overrides());
        CludaConfig config = CludaConfig.from(warmStart.loadConfig(store, null, overrides));

        // 1. the model in service labels the new data (its teacher, as self-training does, §2.2)
        if (!store.exists(store.resolve(pseudo, PseudoLabelManifest.FILE_NAME))) {
            OutputDirectory.prepare(store, pseudo, OutputDirectory.IfExists.OVERWRITE, false);
            SyntheticDatasets.ensure(config, config.data().target(), store, m -> log.accept("data: " + m));
            DatasetConfig.ResolvedDataset data = config.data().target().resolve(false);
            CheckpointInference labelling = new CheckpointInference(warmStart, CheckpointWeights.TEACHER,
                    config.model().spec(), config.eval().size(), data.kind(), CheckpointLocation.absolute(data.root()),
                    config.data().target().split(), config.data().onBadSample(), 0, config.hrda().inference());
            PseudoLabelStats stats = PseudoLabelJob.run(spark, store,
                    new PseudoLabelJob.Request(labelling, config.uda().pseudoThreshold(), pseudo)).stats();
            log.accept(String.format(Locale.ROOT, "retrain: pseudo-labels for %d images, mean confidence %.3f",
                    stats.images(), stats.meanConfidence()));
        }

        // 2. training from the warm start; a crashed round resumes from its checkpoint
        EvalResult trained = EvalJsonIfFinished.read(store, runDir, config.train().iters());
        if (trained == null) {
            // as cluda train --resume: a fresh start, or the crashed round's run continued from its checkpoint
            TrainingRun.run(config, store, runDir, OutputDirectory.IfExists.RESUME, ranks -> SparkSessions.borrow(spark),
                    new Trainer.Listener() {
                        @Override
                        public void message(String line) {
                            log.accept(line);
                        }
                    });
            trained = EvalJsonIfFinished.read(store, runDir, config.train().iters());
            if (trained == null) {
                throw new IllegalStateException("round " + number + " trained but " + runDir + "/eval.json is not"
                        + " the evaluation of its last iteration");
            }
        }

        // 3. the model in service on the same validation set (from the history after the first round)
        double baseline = history != null ? history.currentMIoU()
                : evaluate(spark, store, warmStart, warmConfig, valRoot, valSplit);
        boolean promoted = trained.mIoU() >= baseline;
        RetrainHistory.Round round = new RetrainHistory.Round(number, request.target(), warm, pseudo, runDir, started,
                now(clock), baseline, trained.mIoU(), promoted);
        RetrainHistory base = history != null ? history
                : new RetrainHistory(valRoot, valSplit, warm, baseline, List.of());
        base.with(round).write(store, request.out());
        log.accept(String.format(Locale.ROOT, "retrain: round %d mIoU %.2f against %.2f in service: %s", number,
                trained.mIoU(), baseline, promoted ? "promoted" : "not promoted (the model in service stays)"));
        return new Outcome(round, true);
    }

    /** The round's start time; a round that exists must be on the same target (a crash is finished, not replaced). */
    private static String startOrContinue(FileStore store, String roundDir, String target, String warm, Clock clock)
            throws IOException {
        String file = store.resolve(roundDir, ROUND_FILE);
        if (store.exists(file)) {
            JsonNode n;
            try (InputStream in = store.open(file)) {
                n = JSON.readTree(in);
            }
            if (!n.path("target").asText().equals(target)) {
                throw new UserInputException(roundDir + " is an unfinished round on " + n.path("target").asText()
                        + ": finish it with --target " + n.path("target").asText() + " (or delete " + roundDir
                        + " to give it up) before a round on " + target);
            }
            return n.path("started").asText();
        }
        String started = now(clock);
        store.writeAtomically(file, JSON.createObjectNode().put("target", target).put("warm_start", warm)
                .put("started", started).toString().getBytes(StandardCharsets.UTF_8));
        return started;
    }

    private static double evaluate(SparkSession spark, FileStore store, CheckpointLocation model, CludaConfig config,
                                   String root, String split) throws IOException {
        DatasetConfig.ResolvedDataset data = new DatasetConfig(config.data().target().type(), root, split)
                .resolve(false);
        CheckpointInference request = new CheckpointInference(model, CheckpointWeights.STUDENT, config.model().spec(),
                config.eval().size(), data.kind(), CheckpointLocation.absolute(data.root()), split,
                config.data().onBadSample(), 0, config.hrda().inference());
        return DistributedEvalJob.run(spark, store, request).eval().mIoU();
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String now(Clock clock) {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The run's eval.json if it is the evaluation of its last iteration, else null. */
    private static final class EvalJsonIfFinished {
        static EvalResult read(FileStore store, String runDir, long iterations) throws IOException {
            String path = store.resolve(runDir, EvalJson.FILE_NAME);
            if (!store.exists(path)) {
                return null;
            }
            EvalResult e = EvalJson.read(store, path);
            return e.iter() == iterations ? e : null;
        }
    }
}
