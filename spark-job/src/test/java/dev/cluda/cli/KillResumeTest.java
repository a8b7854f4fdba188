package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.RunDirectoryLock;
import dev.cluda.io.S3ProxyServer;
import dev.cluda.io.S3Settings;
import dev.cluda.testing.IntegrationTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupted runs end where uninterrupted ones do: a run on S3 that fails at an injected fault
 * and is resumed, and a local run killed with SIGKILL at random moments and resumed in fresh JVMs,
 * both write a final checkpoint byte-identical to an uninterrupted run's and log every iteration
 * once. The tiny setup of {@link TrainCommandTest} (6 iterations), without the Spark data check.
 */
@IntegrationTest
class KillResumeTest {

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "cluda-killresume";
    /** {@code TempFiles}' names: hidden, the target name, digits, {@code .tmp}. */
    private static final Pattern TEMP_NAME = Pattern.compile("\\.[^/\\\\]+?\\.?[0-9]+\\.tmp");
    private static final String LAST_CHECKPOINT = "checkpoints/iter_00000006.ckpt";
    private static final int KILLS = 2;

    private static Path syntheticConf() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/synthetic.conf"))) {
                return p.resolve("conf/synthetic.conf");
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf above " + Path.of("").toAbsolutePath());
    }

    private static List<String> overrides(String... extra) {
        String root = data.resolve("synthetic").toString();
        List<String> out = new ArrayList<>(List.of(
                "synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + root, "data.target.root=" + root,
                "data.checkAtStart=false", "model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64",
                "train.cropHeight=64", "train.iters=6", "train.warmupIters=2", "train.logInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000"));
        out.addAll(List.of(extra));
        return out;
    }

    private static List<String> trainArgs(String out, List<String> overrides, String... flags) {
        List<String> args = new ArrayList<>(List.of("train", "--config", syntheticConf().toString(), "--out", out));
        args.addAll(List.of(flags));
        for (String o : overrides) {
            args.add("--set");
            args.add(o);
        }
        return args;
    }

    private static CliRunner.Result train(String out, List<String> overrides, String... flags) {
        return CliRunner.run(trainArgs(out, overrides, flags).toArray(String[]::new));
    }

    private static void assertOk(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r.out() + r.err());
    }

    private static List<Integer> iterations(String metricsJsonl) throws IOException {
        List<Integer> iters = new ArrayList<>();
        for (String line : metricsJsonl.split("\n")) {
            if (!line.isBlank()) {
                iters.add(JSON.readTree(line).get("iter").asInt());
            }
        }
        return iters;
    }

    @Test
    void train_onS3_failedAndResumedEqualsUninterrupted_lockOnlyAdvisory() throws IOException {
        try (S3ProxyServer server = S3ProxyServer.start(Duration.ofSeconds(60))) {
            server.createBucket(BUCKET);
            server.exportSystemProperties();
            try {
                runOnS3(HadoopFileStore.fromEnvironment());
            } finally {
                closeCachedFileSystem(); // so no later class gets one with this server's dead endpoint
                S3ProxyServer.clearSystemProperties();
            }
        }
    }

    private static void runOnS3(HadoopFileStore store) throws IOException {
        String straight = "s3a://" + BUCKET + "/runs/straight";
        String interrupted = "s3a://" + BUCKET + "/runs/interrupted";
        // one checkpoint kept: S3Proxy holds every object in its 256 MB heap, and a checkpoint is about 50 MB
        List<String> config = overrides("train.checkpointInterval=2", "train.keepCheckpoints=0");

        CliRunner.Result whole = train(straight, config);
        assertOk(whole);
        assertTrue(whole.out().contains("the lock is advisory"), whole.out());
        byte[] expectedCheckpoint = bytes(store, straight + "/" + LAST_CHECKPOINT);
        String expectedLatest = text(store, straight + "/checkpoints/latest");
        List<Integer> expected = iterations(text(store, straight + "/metrics.jsonl"));
        assertEquals(List.of(1, 3, 5), expected);
        store.deleteRecursively(straight); // room for the interrupted run's checkpoints

        CliRunner.Result failed = train(interrupted, overrides("train.checkpointInterval=2", "train.keepCheckpoints=0",
                "debug.failAtIteration=3"));
        assertEquals(1, failed.exitCode(), failed.out() + failed.err());
        assertEquals("iter_00000002.ckpt", text(store, interrupted + "/checkpoints/latest").trim());

        // A marker from a live holder (this JVM) does not stop a second process on S3: the lock is advisory.
        try (RunDirectoryLock holder = RunDirectoryLock.acquire(store, interrupted)) {
            assertTrue(holder.advisory());
            CliRunner.Result resumed = train(interrupted, overrides("train.checkpointInterval=2",
                    "train.keepCheckpoints=0", "debug.failAtIteration=-1"), "--resume");
            assertOk(resumed);
            assertTrue(resumed.out().contains("the lock is advisory"), resumed.out());
            assertTrue(resumed.out().contains("resumed at 2"), resumed.out());
            // the second process replaced the holder's marker with its own and deleted that when it finished
            assertFalse(store.exists(holder.path()), "marker left after the second process finished");
        }

        assertArrayEquals(expectedCheckpoint, bytes(store, interrupted + "/" + LAST_CHECKPOINT));
        assertEquals(expectedLatest, text(store, interrupted + "/checkpoints/latest"));
        assertEquals(expected, iterations(text(store, interrupted + "/metrics.jsonl")));
    }

    @Test
    void train_killedAtRandomAndResumedInFreshJvms_endsLikeAnUninterruptedRun() throws Exception {
        List<String> config = overrides("train.checkpointInterval=1");
        Path straight = dir.resolve("straight");
        long began = System.nanoTime();
        assertOk(train(straight.toString(), config));
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("KillResumeTest: uninterrupted in-process run %.1f s%n", seconds);
        // about half the time from the "model:" line to the end (it varies with the load), so both kills usually land
        int maxDelayMs = (int) Math.max(500, seconds * 350);

        Path killed = dir.resolve("killed");
        SplittableRandom random = new SplittableRandom(20260611L);
        List<String> log = new ArrayList<>();
        int kills = 0;
        String lastCheckpoint = "checkpoint: " + killed.resolve(LAST_CHECKPOINT);
        for (int attempt = 0; ; attempt++) {
            assertTrue(attempt <= KILLS + 1, "still not finished after " + kills + " kills:\n" + String.join("\n", log));
            // random kills (at the latest when the last checkpoint is named), then one right then, where a resume
            // has nothing left to redo and anything written after that checkpoint would be lost, then a run to the end
            int delay = kills < KILLS ? random.nextInt(maxDelayMs) : kills == KILLS ? Integer.MAX_VALUE : -1;
            Child child = Child.start(trainArgs(killed.toString(), config, attempt == 0 ? new String[0]
                    : new String[] {"--resume"}), dir.resolve("child-" + attempt + ".log"), lastCheckpoint);
            int code = child.runUntilKilled(delay);
            log.add("attempt " + attempt + ": " + (child.killed ? "killed " + child.killedAfterMs
                    + " ms after the model line (drawn " + delay + ")" : "exit " + code) + " in " + child.seconds()
                    + " s\n" + child.tail());
            if (child.killed) {
                kills++;
                continue;
            }
            assertEquals(0, code, String.join("\n", log));
            break;
        }
        System.out.println("KillResumeTest: " + kills + " kills\n" + String.join("\n", log));
        assertTrue(kills > 0, "no kill landed before the run ended: " + log);

        assertArrayEquals(Files.readAllBytes(straight.resolve(LAST_CHECKPOINT)), Files.readAllBytes(killed.resolve(LAST_CHECKPOINT)),
                String.join("\n", log));
        List<Integer> expected = iterations(Files.readString(straight.resolve("metrics.jsonl")));
        assertEquals(List.of(1, 3, 5), expected);
        assertEquals(expected, iterations(Files.readString(killed.resolve("metrics.jsonl"))), String.join("\n", log));
        assertEquals(6, JSON.readTree(killed.resolve("eval.json").toFile()).get("iter").asInt(), "the final evaluation");
        try (Stream<Path> files = Files.walk(killed)) {
            List<Path> temps = files.filter(p -> TEMP_NAME.matcher(p.getFileName().toString()).matches()).toList();
            assertEquals(List.of(), temps, "temporary files left after the final resume");
        }
    }

    /** {@code cluda} in a child JVM with the flags the tests run with, its output watched for a trigger line. */
    private static final class Child {
        private final Process process;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch model = new CountDownLatch(1);
        private final CountDownLatch last = new CountDownLatch(1);
        private final String lastLine;
        private volatile long modelAt;
        private long killedAfterMs = -1;
        private final long started = System.nanoTime();
        private boolean killed;

        private Child(Process process, String lastLine) {
            this.process = process;
            this.lastLine = lastLine;
        }

        /** @param lastLine the output line after which a kill comes at once (whatever its delay) */
        static Child start(List<String> args, Path log, String lastLine) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g", "-XX:+UseSerialGC"));
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dai.djl")
                        || arg.startsWith("-Djdk.reflect") || arg.startsWith("-Djava.awt") || arg.startsWith("-XX:+Ignore")) {
                    command.add(arg);
                }
            }
            command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path")), Cluda.class.getName()));
            command.addAll(args);
            // the environment (DJL_CACHE_DIR, DJL_OFFLINE, OMP_WAIT_POLICY) is inherited from the test JVM
            Child child = new Child(new ProcessBuilder(command).redirectErrorStream(true).start(), lastLine);
            Thread pump = new Thread(() -> child.pump(log), "cluda-child-output");
            pump.setDaemon(true);
            pump.start();
            return child;
        }

        private void pump(Path log) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (line.startsWith("model:")) {
                        modelAt = System.nanoTime();
                        model.countDown();
                    } else if (line.equals(lastLine)) {
                        last.countDown();
                    }
                }
                Files.write(log, lines);
            } catch (IOException e) {
                lines.add("output unreadable: " + e);
            }
        }

        /**
         * Waits for the end, or kills the process {@code delayMs} after its "model:" line or right after
         * its last line, whichever comes first (never if {@code delayMs} is negative).
         */
        int runUntilKilled(int delayMs) throws InterruptedException {
            try {
                if (delayMs >= 0 && await(model, Long.MAX_VALUE)) {
                    await(last, modelAt + delayMs * 1_000_000L);
                }
                if (delayMs >= 0 && process.isAlive()) {
                    process.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
                    killedAfterMs = (System.nanoTime() - modelAt) / 1_000_000;
                    killed = true;
                }
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("cluda train still running after 120 s:\n" + tail());
                }
                killed &= process.exitValue() != 0; // it may have finished just before the kill
                return process.exitValue();
            } finally {
                process.destroyForcibly();
            }
        }

        /** Waits for {@code line} until {@code deadline} ({@link System#nanoTime}) or the process's end. */
        private boolean await(CountDownLatch line, long deadline) throws InterruptedException {
            while (process.isAlive() && deadline - System.nanoTime() > 0) {
                if (line.await(20, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        }

        String seconds() {
            return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9);
        }

        String tail() {
            synchronized (lines) {
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            }
        }
    }

    private static void closeCachedFileSystem() throws IOException {
        FileSystem.get(URI.create("s3a://" + BUCKET + "/"), S3Settings.fromEnvironment().applyTo(new Configuration()))
                .close();
    }

    private static byte[] bytes(HadoopFileStore store, String path) throws IOException {
        try (InputStream in = store.open(path)) {
            return in.readAllBytes();
        }
    }

    private static String text(HadoopFileStore store, String path) throws IOException {
        return new String(bytes(store, path), StandardCharsets.UTF_8);
    }
}
