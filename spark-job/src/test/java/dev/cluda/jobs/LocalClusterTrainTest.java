package dev.cluda.jobs;

import dev.cluda.parallel.Ranks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks in two executor JVMs ({@code local-cluster[2,1,1024]}), end to end, as
 * executors run them: a {@code SPARK_HOME} whose {@code jars/} folder links the test class path's jars is
 * built in a temporary folder, and the driver ({@link LocalClusterTrainMain}) runs as a child JVM
 * with {@code SPARK_HOME} and {@code SPARK_SCALA_VERSION=2.12} in its environment (the standalone
 * worker builds the executor command from them).
 */
@IntegrationTest
class LocalClusterTrainTest {

    @TempDir
    Path dir;

    @Test
    void run_twoExecutorJvms_trainsAndWritesTheRunDirectory() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // in the build folder, not the @TempDir: JUnit warns about every link it deletes
        Path home = Path.of("target", "local-cluster-spark-home").toAbsolutePath();
        if (Files.exists(home)) {
            try (var old = Files.walk(home)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path jars = Files.createDirectories(home.resolve("jars"));
        List<String> folders = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                folders.add(p.toAbsolutePath().toString());
            } else if (entry.endsWith(".jar") && Files.isRegularFile(p) && !Files.exists(jars.resolve(p.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        String root = dir.resolve("synthetic").toString();
        Path out = dir.resolve("run");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dai.djl")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", classPath, LocalClusterTrainMain.class.getName(),
                DistributedTrainJobTest.syntheticConf().toString(), out.toString(), String.join(File.pathSeparator, folders),
                "synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + root, "data.target.root=" + root,
                "model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                "train.iters=2", "train.warmupIters=1", "train.logInterval=1", "train.checkpointInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000", "distributed.ranks=2",
                "distributed.checkInterval=1"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("driver.log").toFile());
        builder.environment().put("SPARK_HOME", home.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.12");
        Process driver = builder.start();
        boolean done = driver.waitFor(280, TimeUnit.SECONDS);
        if (!done) {
            driver.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("driver.log"), StandardCharsets.UTF_8);
        log.lines().filter(l -> l.startsWith("RANK ") || l.startsWith("JOB ")).forEach(System.out::println);
        assertTrue(done, "driver still running after 280 s:\n" + tail(log));
        assertEquals(0, driver.exitValue(), tail(log));
        assertTrue(log.contains("RANK 0 executor=") && log.contains("RANK 1 executor="), tail(log));
        String e0 = log.split("RANK 0 executor=")[1].split(" ")[0];
        String e1 = log.split("RANK 1 executor=")[1].split(" ")[0];
        assertTrue(!e0.equals(e1) && !e0.equals("driver") && !e1.equals("driver"),
                "ranks must run in two executor JVMs, got " + e0 + " and " + e1);
        assertTrue(log.contains("attempts=1 checks=2"), tail(log));
        assertEquals("iter_00000002.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());
        assertTrue(Files.isRegularFile(out.resolve("eval.json")));
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}
