package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code cluda train} on {@code conf/synthetic.conf} shrunk to a 6 + 4 + 2 image
 * 128×64 benchmark, MiT-B0 with a 16-wide head, 64×64 crops and 4 iterations (the benchmark is
 * generated once, in a folder shared by the tests of this class).
 */
@IntegrationTest
class TrainCommandTest {

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path syntheticConf() {
        return TinyTrain.syntheticConf();
    }

    private static List<String> overrides(String... extra) {
        return TinyTrain.overrides(data, extra);
    }

    private static CliRunner.Result train(String out, List<String> overrides, String... flags) {
        return TinyTrain.train(out, overrides, flags);
    }

    @Test
    void train_freshRun_writesTheRunDirectoryContract() throws IOException {
        Path out = dir.resolve("run");
        CliRunner.Result r = train(out.toString(), overrides());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("train: 4 iterations in"), r.out());

        CludaConfig expected = CludaConfig.from(ConfigLoader.load(syntheticConf().toFile(), overrides()));
        CludaConfig written = CludaConfig.from(ConfigLoader.load(out.resolve("config.conf").toFile(), List.of()));
        assertEquals(expected.settings().config().root(), written.settings().config().root());
        assertEquals(expected.model(), written.model());
        assertEquals(expected.uda(), written.uda());
        assertEquals(expected.contrastive(), written.contrastive());
        assertEquals(expected.data(), written.data());
        assertEquals(expected.synth(), written.synth());
        assertEquals(4, written.train().iters());
        assertEquals(64, written.train().cropWidth());
        assertEquals(expected.train().lr(), written.train().lr());
        assertArrayEquals(expected.eval().size(), written.eval().size());

        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(2, lines.size()); // iterations 1 and 3 with logInterval 2
        for (String line : lines) {
            JsonNode m = JSON.readTree(line);
            for (String key : List.of("iter", "lr", "loss.ce_source", "loss.cl_source", "loss.ce_mixed",
                    "loss.cl_mixed", "loss.total", "sec_per_iter", "pseudo_conf")) {
                assertTrue(m.has(key), key + " missing in " + line);
            }
            assertTrue(m.get("pseudo_conf").isNumber(), line);
        }
        assertEquals(3, JSON.readTree(lines.get(1)).get("iter").asInt());

        JsonNode eval = JSON.readTree(out.resolve("eval.json").toFile());
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("Per-class IoU") && report.contains("data:image/png;base64"), "report.html");
        assertEquals(4, eval.get("iter").asInt());
        assertEquals(2, eval.get("num_images").asInt());
        assertTrue(eval.get("mIoU").isNumber());
        assertEquals(19, eval.get("classes").size());
        assertEquals("iter_00000004.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
    }

    @Test
    void train_existingRun_refusedWithoutFlagsThenResumed() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, train(out.toString(), overrides()).exitCode());
        Map<String, String> before = snapshot(out);

        CliRunner.Result refused = train(out.toString(), overrides());
        assertEquals(2, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("--resume") && refused.err().contains("--overwrite"), refused.err());
        assertEquals(before, snapshot(out), "a refused run must leave the directory untouched");

        CliRunner.Result resumed = train(out.toString(), overrides("train.iters=6"), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("resume: continuing at iteration 4"), resumed.out());
        assertTrue(resumed.out().contains("train: 2 iterations (resumed at 4)"), resumed.out());
        List<Integer> iters = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            iters.add(JSON.readTree(line).get("iter").asInt());
        }
        assertEquals(List.of(1, 3, 5), iters);
        assertEquals("iter_00000006.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
    }

    @Test
    void train_overwrite_startsAfresh() throws IOException {
        Path out = dir.resolve("run");
        Files.createDirectories(out.resolve("checkpoints"));
        Files.writeString(out.resolve("checkpoints/latest"), "iter_00000099.ckpt\n");
        Files.writeString(out.resolve("stale.txt"), "from an earlier run");

        CliRunner.Result r = train(out.toString(), overrides("train.iters=2"), "--overwrite");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertFalse(r.out().contains("resume"), r.out());
        assertFalse(Files.exists(out.resolve("stale.txt")));
        assertEquals("iter_00000002.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
    }

    @Test
    void train_resumeAndOverwrite_isAUsageError() throws IOException {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "x");
        CliRunner.Result r = train(out.toString(), overrides(), "--resume", "--overwrite");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("mutually exclusive"), r.err());
        assertTrue(Files.exists(out.resolve("keep.txt")));
    }

    /** Every file below {@code root} with its size and modification time. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}
