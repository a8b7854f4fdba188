package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluda retrain} on the tiny synthetic benchmark: a round pseudo-labels the new data with the
 * model in service, trains from it, scores both on the fixed validation set and promotes only
 * without a drop; the same call again does nothing; a crashed round resumes from its checkpoint.
 */
@IntegrationTest
class RetrainCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void retrain_roundThenRepeatThenCrashedRound() throws IOException {
        Path run = dir.resolve("r0");
        CliRunner.Result trained = TinyTrain.train(run.toString(), TinyTrain.overrides(dir));
        assertEquals(0, trained.exitCode(), trained.out() + trained.err());
        Path home = dir.resolve("retrain");

        // round 1
        CliRunner.Result r = retrain(run, dir.resolve("new1"), home, "train.iters=2");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode h = JSON.readTree(home.resolve("history.json").toFile());
        assertEquals(dir.resolve("synthetic").toString(), h.at("/validation/root").asText());
        assertEquals("val", h.at("/validation/split").asText());
        JsonNode round = h.at("/rounds/0");
        assertEquals(1, round.get("round").asInt());
        assertTrue(Files.isRegularFile(home.resolve("round-0001/pseudo/pseudo_labels.json")));
        JsonNode eval = JSON.readTree(home.resolve("round-0001/run/eval.json").toFile());
        assertEquals(2, eval.get("iter").asInt());
        assertEquals(eval.get("mIoU").asDouble(), round.get("mIoU").asDouble(), 1e-9);
        assertTrue(Files.isRegularFile(home.resolve("round-0001/run/report.html")));
        String config = Files.readString(home.resolve("round-0001/run/config.conf"));
        assertTrue(config.contains(run.toString()) && config.contains("precomputed"), "warm start and stored labels");
        // the baseline is the model in service on the fixed validation set: what cluda eval gives it
        CliRunner.Result baseline = CliRunner.run("eval", "--checkpoint", run.toString(), "--out",
                dir.resolve("eval0").toString());
        assertEquals(0, baseline.exitCode(), baseline.err());
        double before = JSON.readTree(dir.resolve("eval0/eval.json").toFile()).get("mIoU").asDouble();
        assertEquals(before, round.get("baseline_mIoU").asDouble(), 1e-6);
        boolean promoted = round.get("mIoU").asDouble() >= before;
        assertEquals(promoted, round.get("promoted").asBoolean());
        assertEquals(promoted ? home.resolve("round-0001/run").toString() : run.toString(),
                h.at("/current/run").asText());

        // the same call again: nothing retrained, history unchanged
        byte[] history = Files.readAllBytes(home.resolve("history.json"));
        CliRunner.Result again = retrain(run, dir.resolve("new1"), home, "train.iters=2");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("already trained on"), again.out());
        assertEquals(new String(history), Files.readString(home.resolve("history.json")));

        // round 2 crashes after its first checkpoint; another target is refused until it is finished
        CliRunner.Result crashed = retrain(run, dir.resolve("new2"), home, "train.iters=4",
                "train.checkpointInterval=2", "debug.failAtIteration=3");
        assertNotEquals(0, crashed.exitCode(), crashed.out());
        CliRunner.Result other = retrain(run, dir.resolve("new3"), home, "train.iters=4");
        assertEquals(2, other.exitCode(), other.out() + other.err());
        assertTrue(other.err().contains("unfinished round on " + dir.resolve("new2")), other.err());
        CliRunner.Result finished = retrain(run, dir.resolve("new2"), home, "train.iters=4",
                "train.checkpointInterval=2");
        assertEquals(0, finished.exitCode(), finished.out() + finished.err());
        assertTrue(finished.out().contains("resume: continuing at iteration 2"), finished.out());
        JsonNode h2 = JSON.readTree(home.resolve("history.json").toFile());
        assertEquals(2, h2.get("rounds").size());
        assertEquals(h.at("/current/run").asText(), h2.at("/rounds/1/warm_start").asText(),
                "round 2 starts from the model in service after round 1");
        assertEquals(h.at("/current/mIoU").asDouble(), h2.at("/rounds/1/baseline_mIoU").asDouble(), 1e-9);
    }

    private static CliRunner.Result retrain(Path from, Path target, Path out, String... sets) {
        List<String> args = new ArrayList<>(List.of("retrain", "--from", from.toString(), "--target",
                target.toString(), "--out", out.toString()));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return CliRunner.run(args.toArray(String[]::new));
    }
}
