package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded cluster jar run the way a cluster runs it: behind the jars/ folder of a Spark 3.5
 * distribution. A {@code SPARK_HOME} is built in {@code target/cluster-jar-spark-home}: {@code jars/}
 * links the distribution's runtime jars (module test-spark-dist resolves them from Maven Central),
 * {@code bin/spark-submit} asks Spark's own launcher for the driver's command line, as the
 * distribution's scripts do. {@code deploy/cluda-submit.sh} then submits {@code cluda stats} and a
 * 2-rank {@code cluda train} on the tiny synthetic benchmark to {@code local-cluster[2,1,2048]}: the
 * driver and two executor JVMs start with the distribution's jars on their class path and load the
 * cluster jar in a child class loader (the executors fetch it from the driver), so every class both
 * have comes from the distribution.
 *
 * <p>Skipped without a cluster jar newer than the compiled classes ({@code mvn -Pcluster -DskipTests
 * package}; {@code .ci/run} builds it before {@code mvn verify}).
 */
@IntegrationTest
class ClusterJarTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUILD = "mvn -Pcluster -DskipTests package";

    private static Path jar;
    private static Path sparkHome;

    @TempDir
    Path dir;

    @BeforeAll
    static void clusterJarAndSparkHome() throws IOException {
        jar = clusterJar();
        sparkHome = sparkHome();
    }

    /** The DJL calls that need DJL's own gson and commons-compress, not the distribution's older ones. */
    @Test
    void probe_djlBehindTheDistribution_usesTheJarsGsonAndCommonsCompress() throws Exception {
        Path content = Files.createDirectories(dir.resolve("content"));
        Files.writeString(content.resolve("hello.txt"), "hello\n");
        Path tgz = dir.resolve("hello.tar.gz");
        Process tar = new ProcessBuilder("tar", "czf", tgz.toString(), "-C", content.toString(), "hello.txt")
                .inheritIO().start();
        assertEquals(0, tar.waitFor());
        // the probe class alone, not the whole test class path
        Path probe = dir.resolve("probe");
        Path probeClass = Path.of(ClusterJarProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(ClusterJarProbe.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(probe.resolve("dev/cluda/jobs"));
        Files.copy(probeClass, probe.resolve("dev/cluda/jobs/ClusterJarProbe.class"));
        String classPath = String.join(File.pathSeparator, sparkHome.resolve("jars") + "/*", jar.toString(),
                probe.toString());
        Run r = run(dir.resolve("probe.log"), 120, Map.of(), javaBin(), "-Xmx1g", "-Dai.djl.offline=true", "-cp",
                classPath, ClusterJarProbe.class.getName(), tgz.toString(), dir.resolve("untarred").toString());
        assertEquals(0, r.exit(), r.tail());
        assertTrue(r.log().contains("PROBE gson dev.cluda.shaded.gson.Gson in file:" + jar), r.tail());
        assertTrue(r.log().contains("PROBE untar hello"), r.tail());
        assertTrue(r.log().contains("PROBE safetensors w=[1.5, -2.0, 3.25]"), r.tail());
        assertTrue(r.log().contains("PROBE engine PyTorch 2.7.1 from ai.djl.pytorch.engine.PtEngine in file:" + jar),
                r.tail());
    }

    @Test
    void submit_statsThenTwoRankTrain_onLocalClusterBehindTheDistribution() throws Exception {
        String root = dir.resolve("synthetic").toString();
        List<String> data = List.of("synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + root, "data.target.root=" + root,
                "uda.rcs.minPixels=15");

        Run stats = submit(dir.resolve("stats.log"), 240, cluda("stats", null, data));
        assertEquals(0, stats.exit(), stats.tail());
        Path gta5 = dir.resolve("synthetic/gta5");
        assertTrue(stats.log().contains("stats: 6 images (0 skipped) of gta5 " + gta5), stats.tail());
        for (String name : List.of(ClassStatisticsFiles.SAMPLE_CLASS_STATS, ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT,
                ClassStatisticsFiles.SAMPLES_WITH_CLASS, ClassStatisticsFiles.COUNTS_TABLE)) {
            assertTrue(Files.exists(gta5.resolve(name)), name + "\n" + stats.tail());
        }

        Path out = dir.resolve("run");
        List<String> train = new ArrayList<>(data);
        train.addAll(List.of("model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                "train.iters=2", "train.warmupIters=1", "train.logInterval=1", "train.checkpointInterval=2",
                "contrastive.grid=9", "eval.interval=1000", "distributed.ranks=2", "distributed.checkInterval=1"));
        Run r = submit(dir.resolve("train.log"), 360, cluda("train", out, train));
        assertEquals(0, r.exit(), r.tail());
        assertTrue(r.log().contains("train: 2 ranks in a Spark barrier stage"), r.tail());
        assertTrue(r.log().contains("train: 2 iterations on 2 ranks in") && r.log().contains("1 stage attempt,"),
                r.tail());
        assertTrue(r.log().contains("replicas checked identical 2 times"), r.tail());
        String rank0 = executorOf(r.log(), 0);
        String rank1 = executorOf(r.log(), 1);
        assertNotEquals(rank0, rank1, "the ranks must run in two executor JVMs\n" + r.tail());
        JsonNode eval = JSON.readTree(out.resolve("eval.json").toFile());
        assertEquals(2, eval.get("iter").asInt());
        assertEquals(2, eval.get("num_images").asInt());
        assertEquals("iter_00000002.ckpt", Files.readString(out.resolve("checkpoints/latest")).trim());

        // each executor JVM started on the distribution's class path and fetched the jar from the driver
        Path app = newestApp();
        for (String executor : List.of("0", "1")) {
            Path work = app.resolve(executor);
            String command = Files.readString(work.resolve("stderr"), StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("");
            assertTrue(command.contains("\"-cp\" \"" + sparkHome.resolve("conf") + "/:" + sparkHome.resolve("jars") + "/*\""),
                    command);
            assertTrue(!command.contains(jar.getFileName().toString()), command);
            assertTrue(Files.isRegularFile(work.resolve(jar.getFileName())), "no " + jar.getFileName() + " in " + work);
        }
    }

    /** {@code cluda <command> --config conf/synthetic.conf [--out out] --set ...}. */
    private static List<String> cluda(String command, Path out, List<String> overrides) {
        List<String> args = new ArrayList<>(List.of(command, "--config",
                DeployScripts.repoRoot().resolve("conf/synthetic.conf").toString()));
        if (out != null) {
            args.addAll(List.of("--out", out.toString()));
        }
        for (String o : overrides) {
            args.addAll(List.of("--set", o));
        }
        return args;
    }

    /** {@code deploy/cluda-submit.sh <local-cluster options> -- cludaArgs}, with this SPARK_HOME, on CPU executors. */
    private static Run submit(Path log, int seconds, List<String> cludaArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash",
                DeployScripts.repoRoot().resolve("deploy/cluda-submit.sh").toString(),
                // two workers with one core and 2 GiB each: one executor JVM per rank
                "--master", "local-cluster[2,1,2048]",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                // executors take ~10 s to register: let the barrier slot check wait for them
                "--conf", DistributedTrainJob.MAX_CONCURRENT_CHECK + "=12",
                "--conf", "spark.scheduler.barrier.maxConcurrentTasksCheck.interval=5s"));
        String djlCache = System.getenv("DJL_CACHE_DIR");
        if (djlCache != null) {
            command.addAll(List.of("--conf", "spark.executorEnv.DJL_CACHE_DIR=" + djlCache));
        }
        command.add("--");
        command.addAll(cludaArgs);
        HashMap<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CLUDA_GPUS_PER_EXECUTOR", "0");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("PYTORCH_LIBRARY_PATH", null);
        return run(log, seconds, env, command.toArray(String[]::new));
    }

    /** What a finished child process wrote (standard output and error together) and its exit status. */
    private record Run(int exit, String log) {
        String tail() {
            return log.length() <= 8000 ? log : log.substring(log.length() - 8000);
        }
    }

    private static Run run(Path log, int seconds, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(DeployScripts.repoRoot().toFile());
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        long began = System.nanoTime();
        Process p = builder.start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        System.out.printf("ClusterJarTest: %s took %.1f s%n", log.getFileName(), (System.nanoTime() - began) / 1e9);
        assertTrue(done, "still running after " + seconds + " s:\n" + text);
        return new Run(p.exitValue(), text);
    }

    /** The executor address {@code host:port} of rank {@code rank} in the train summary. */
    private static String executorOf(String log, int rank) {
        Matcher m = Pattern.compile("(?m)^rank " + rank + ": (\\S+) on ").matcher(log);
        assertTrue(m.find(), "no line for rank " + rank + "\n" + log);
        return m.group(1);
    }

    private static Path newestApp() throws IOException {
        try (Stream<Path> apps = Files.list(sparkHome.resolve("work"))) {
            return apps.filter(p -> p.getFileName().toString().startsWith("app-")).max(Comparator.naturalOrder())
                    .orElseThrow();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** target/cluda-spark-job-*-cluster.jar, if built after the classes it should hold were compiled. */
    private static Path clusterJar() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Optional<Path> found = Optional.empty();
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                found = files.filter(p -> p.getFileName().toString().matches("cluda-spark-job-.*-cluster\\.jar"))
                        .findFirst();
            }
        }
        assumeTrue(found.isPresent(), "no cluster jar in " + target + "; build it with " + BUILD);
        Path built = found.get();
        FileTime when = Files.getLastModifiedTime(built);
        for (Path classes : List.of(target.resolve("classes"), target.resolveSibling("../core/target/classes").normalize())) {
            Optional<Path> newer = newestClass(classes).filter(c -> mtime(c).compareTo(when) > 0);
            assumeTrue(newer.isEmpty(), () -> built.getFileName() + " is older than " + newer.get()
                    + "; rebuild it with " + BUILD);
        }
        try (ZipFile zip = new ZipFile(built.toFile())) {
            assumeTrue(zip.getEntry("native/lib/pytorch.properties") != null,
                    built.getFileName() + " has no CPU libtorch (built with -Pgpu); build it with " + BUILD);
        }
        return built;
    }

    private static Optional<Path> newestClass(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> p.toString().endsWith(".class")).max(Comparator.comparing(ClusterJarTest::mtime));
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A SPARK_HOME in the build folder (not a @TempDir: JUnit warns about every link it deletes):
     * {@code jars/} links the distribution's jars, {@code bin/spark-submit} is the launcher stand-in,
     * {@code conf/} is empty (Spark's default log4j2 configuration) and {@code work/} collects the
     * executors' folders.
     */
    private static Path sparkHome() throws IOException {
        String file = System.getProperty("cluda.spark-dist.classpath");
        assumeTrue(file != null && Files.isRegularFile(Path.of(file)),
                "no Spark distribution classpath (system property cluda.spark-dist.classpath: " + file
                        + "); build module test-spark-dist first");
        Path home = Path.of("target", "cluster-jar-spark-home").toAbsolutePath();
        if (Files.exists(home)) {
            try (Stream<Path> old = Files.walk(home)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String entry : Files.readString(Path.of(file)).trim().split(File.pathSeparator)) {
            Path p = Path.of(entry);
            Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
        }
        Files.createDirectories(home.resolve("conf"));
        Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
        try (InputStream in = ClusterJarTest.class.getResourceAsStream("/spark-dist/spark-submit")) {
            Files.copy(in, submit);
        }
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }
}
