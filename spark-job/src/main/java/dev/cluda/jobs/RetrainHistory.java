package dev.cluda.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.error.InvalidFileException;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code history.json} of a retraining folder: the fixed validation set, the model in service
 * ({@code current}: the run and its validation mIoU) and every finished round, promoted or not.
 * Written whole and atomically after each round, so a crash leaves the previous history.
 *
 * @param validationRoot root of the validation set every round is scored on
 * @param validationSplit its split
 * @param currentRun the promoted model's run directory (the first warm start before any round)
 * @param currentMIoU its mIoU on the validation set
 */
public record RetrainHistory(String validationRoot, String validationSplit, String currentRun, double currentMIoU,
                             List<Round> rounds) {

    public static final String FILE = "history.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One finished round.
     *
     * @param baselineMIoU the model in service before the round, on the validation set
     * @param mIoU the round's model on the validation set
     * @param promoted whether it replaced the model in service (mIoU did not drop)
     */
    public record Round(int round, String target, String warmStart, String pseudoLabels, String run, String started,
                       String finished, double baselineMIoU, double mIoU, boolean promoted) {
    }

    public RetrainHistory {
        rounds = List.copyOf(rounds);
    }

    /** The history in {@code dir}, or null if it has none yet. */
    static RetrainHistory read(FileStore store, String dir) throws IOException {
        String path = store.resolve(dir, FILE);
        if (!store.exists(path)) {
            return null;
        }
        JsonNode n;
        try (InputStream in = store.open(path)) {
            n = JSON.readTree(in);
        } catch (IOException e) {
            throw new InvalidFileException(path + " is not valid JSON (" + e.getMessage() + "); restore it from the"
                    + " rounds' folders or move it away to start a new history", e);
        }
        List<Round> rounds = new ArrayList<>();
        for (JsonNode r : n.path("rounds")) {
            rounds.add(new Round(r.path("round").asInt(), r.path("target").asText(), r.path("warm_start").asText(),
                    r.path("pseudo_labels").asText(), r.path("run").asText(), r.path("started").asText(),
                    r.path("finished").asText(), r.path("baseline_mIoU").asDouble(), r.path("mIoU").asDouble(),
                    r.path("promoted").asBoolean()));
        }
        return new RetrainHistory(n.at("/validation/root").asText(), n.at("/validation/split").asText(),
                n.at("/current/run").asText(), n.at("/current/mIoU").asDouble(), rounds);
    }

    /** This history with {@code round} added, and its model in service if it was promoted. */
    RetrainHistory with(Round round) {
        List<Round> all = new ArrayList<>(rounds);
        all.add(round);
        return round.promoted()
                ? new RetrainHistory(validationRoot, validationSplit, round.run(), round.mIoU(), all)
                : new RetrainHistory(validationRoot, validationSplit, currentRun, currentMIoU, all);
    }

    /** The last finished round, or null. */
    Round last() {
        return rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
    }

    void write(FileStore store, String dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("validation").put("root", validationRoot).put("split", validationSplit);
        root.putObject("current").put("run", currentRun).put("mIoU", currentMIoU);
        ArrayNode list = root.putArray("rounds");
        for (Round r : rounds) {
            list.addObject().put("round", r.round()).put("target", r.target()).put("warm_start", r.warmStart())
                    .put("pseudo_labels", r.pseudoLabels()).put("run", r.run()).put("started", r.started())
                    .put("finished", r.finished()).put("baseline_mIoU", r.baselineMIoU()).put("mIoU", r.mIoU())
                    .put("promoted", r.promoted());
        }
        store.writeAtomically(store.resolve(dir, FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    }
}
