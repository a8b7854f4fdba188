package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluda train --set distributed.ranks=2} on the tiny synthetic experiment of
 * TrainCommandTest: the command starts its own {@code local[2,4]} session, trains two ranks as
 * barrier tasks, writes the run directory and stops the session again.
 */
@IntegrationTest
class DistributedTrainCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Path syntheticConf() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/synthetic.conf"))) {
                return p.resolve("conf/synthetic.conf");
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf above " + Path.of("").toAbsolutePath());
    }

    @Test
    void train_twoRanks_runsTheBarrierJobAndWritesTheRunDirectory() throws IOException {
        String root = dir.resolve("synthetic").toString();
        Path out = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--config", syntheticConf().toString(),
                "--out", out.toString()));
        for (String o : List.of("synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + root, "data.target.root=" + root,
                "model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                "train.iters=4", "train.warmupIters=2", "train.logInterval=2", "train.checkpointInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000", "distributed.ranks=2",
                "distributed.checkInterval=2")) {
            args.add("--set");
            args.add(o);
        }
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("train: 2 ranks in a Spark barrier stage"), r.out());
        assertTrue(r.out().contains("rank 0: ") && r.out().contains("rank 1: "), r.out());
        assertTrue(r.out().contains("replicas checked identical 2 times"), r.out());
        assertTrue(r.out().contains("train: 4 iterations on 2 ranks in") && r.out().contains("1 stage attempt,"),
                r.out());
        // rank 0's train.log reaches the driver's output while the barrier stage runs
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("[rank 0] ") && l.contains("train: iteration 2/4, ")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("[rank 0] ") && l.contains("eval: iteration 4/4")),
                r.out());
        assertTrue(Files.readString(out.resolve("train.log")).contains(" session: cluda "));
        JsonNode eval = JSON.readTree(out.resolve("eval.json").toFile());
        assertEquals(4, eval.get("iter").asInt());
        assertEquals(2, eval.get("num_images").asInt());
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        assertEquals("iter_00000004.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
        assertTrue(SparkSession.getDefaultSession().isEmpty()
                        || SparkSession.getDefaultSession().get().sparkContext().isStopped(),
                "the session the command started must be stopped");
    }

    /** HRDA + CLUDA with two ranks: the attention and feature-weight heads are in the all-reduce and the checksums. */
    @Test
    void train_twoRanksMultiResolution_replicasStayIdentical() throws IOException {
        Path out = dir.resolve("run");
        // later values win: 2 iterations, evaluated at the end, with both HRDA heads
        CliRunner.Result r = TinyTrain.train(out.toString(), TinyTrain.overrides(dir, "train.iters=2",
                "train.warmupIters=1", "train.logInterval=1", "eval.size=[]", "distributed.ranks=2",
                "distributed.checkInterval=1", "hrda.enabled=true", "hrda.detailCrop=[32,32]",
                "hrda.attentionEmbedWidth=16", "hrda.inference.window=[32,32]", "hrda.inference.stride=[32,32]",
                "hrda.eval.window=[64,64]", "hrda.eval.stride=[32,32]"));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("replicas checked identical 2 times"), r.out());
        assertEquals(2, JSON.readTree(out.resolve("eval.json").toFile()).get("num_images").asInt());
        assertTrue(Files.readString(out.resolve("metrics.jsonl")).contains("loss.cl_mixed"));
    }
}
