package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.io.S3ProxyServer;
import dev.cluda.io.S3Settings;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The shaded cluster jar run the way a cluster runs it: behind the jars/ folder of a Spark 3.5
 * distribution. A {@code SPARK_HOME} is built in {@code target/cluster-jar-spark-home}: {@code jars/}
 * links the distribution's runtime jars (module test-spark-dist resolves them from Maven Central),
 * {@code bin/spark-submit} asks Spark's own launcher for the driver's command line, as the
 * distribution's scripts do. {@code deploy/cluda-submit.sh} then submits {@code cluda stats} and a
 * 2-rank {@code cluda train} on the tiny synthetic benchmark, kept in S3 (S3Proxy), to
 * {@code local-cluster[2,1,2048]}: the driver and two executor JVMs start with the distribution's
 * jars on their class path and load the cluster jar in a child class loader (the executors fetch it
 * from the driver), so every class both have comes from the distribution. A jar built with
 * {@code -Pprovided-s3} gets hadoop-aws and the AWS SDK bundle in that {@code jars/}, as its image would.
 *
 * <p>Skipped without a cluster jar that holds the classes compiled now ({@code mvn -Pcluster -DskipTests
 * package}; {@code .ci/run} builds it before {@code mvn verify}).
 */
@IntegrationTest
class ClusterJarTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUILD = "mvn -Pcluster -DskipTests package";
    private static final String BUCKET = "cluda-cluster-jar";
    /** What an image built for -Pprovided-s3 adds to SPARK_HOME/jars: hadoop-aws and what it brings. */
    private static final Pattern S3_JARS = Pattern.compile("(hadoop-aws|aws-java-sdk-bundle|wildfly-openssl)-[0-9].*\\.jar");

    private static Path jar;
    private static Path sparkHome;

    @TempDir
    Path dir;

    /** Why the tests cannot run here, or null. */
    private static String skipped;

    @BeforeAll
    static void clusterJarAndSparkHome() throws IOException {
        try {
            jar = clusterJar();
            sparkHome = sparkHome();
        } catch (TestAbortedException e) {
            // reported by each test, so that the skip shows in the test counts
            skipped = e.getMessage().replaceFirst("^Assumption failed: ", "");
        }
    }

    @BeforeEach
    void clusterJarBuilt() {
        assumeTrue(skipped == null, skipped);
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
        try (S3ProxyServer s3 = S3ProxyServer.start(Duration.ofSeconds(60))) {
            s3.createBucket(BUCKET);
            // the benchmark on S3: the driver writes it, the executors read it through the jar's s3a
            String root = "s3a://" + BUCKET + "/synthetic";
            Map<String, String> s3env = Map.of(S3Settings.ENV_ENDPOINT, s3.endpoint(), S3Settings.ENV_REGION, "us-east-1",
                    S3Settings.ENV_ACCESS_KEY, S3ProxyServer.ACCESS_KEY, S3Settings.ENV_SECRET_KEY,
                    S3ProxyServer.SECRET_KEY);
            List<String> data = List.of("synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                    "synth.width=128", "synth.height=64", "data.source.root=" + root, "data.target.root=" + root,
                    "uda.rcs.minPixels=15");

            Run stats = submit(dir.resolve("stats.log"), 240, s3env, cluda("stats", null, data));
            assertEquals(0, stats.exit(), stats.tail());
            String gta5 = root + "/gta5";
            assertTrue(stats.log().contains("stats: 6 images (0 skipped) of gta5 " + gta5), stats.tail());
            try (FileSystem fs = FileSystem.newInstance(URI.create(root), s3.settings().applyTo(new Configuration()))) {
                for (String name : List.of(ClassStatisticsFiles.SAMPLE_CLASS_STATS,
                        ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT, ClassStatisticsFiles.SAMPLES_WITH_CLASS,
                        ClassStatisticsFiles.COUNTS_TABLE)) {
                    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(gta5 + "/" + name)), name + "\n" + stats.tail());
                }
            }

            Path out = dir.resolve("run");
            List<String> train = new ArrayList<>(data);
            train.addAll(List.of("model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                    "train.iters=2", "train.warmupIters=1", "train.logInterval=1", "train.checkpointInterval=2",
                    "contrastive.grid=9", "eval.interval=1000", "distributed.ranks=2", "distributed.checkInterval=1"));
            Run r = submit(dir.resolve("train.log"), 360, s3env, cluda("train", out, train));
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
            for (Run run : List.of(stats, r)) {
                assertTrue(!run.log().contains(S3ProxyServer.SECRET_KEY), "the secret key reached the output");
            }
        }

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
        // the executors' copies of the jar: 0.4 GB each, two per application (a failing run keeps them)
        try (Stream<Path> copies = Files.walk(sparkHome.resolve("work"))) {
            for (Path copy : copies.filter(p -> p.getFileName().equals(jar.getFileName())).toList()) {
                Files.delete(copy);
            }
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
    private static Run submit(Path log, int seconds, Map<String, String> extraEnv, List<String> cludaArgs)
            throws Exception {
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
        env.putAll(extraEnv);
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

    /** target/cluda-spark-job-*-cluster.jar, if it holds the classes compiled now (core's and this module's). */
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
        try (ZipFile zip = new ZipFile(built.toFile())) {
            // by content, not by date: a recompile of unchanged sources gives the same bytes
            for (Path classes : List.of(target.resolve("classes"), target.resolve("../../core/target/classes").normalize())) {
                Optional<String> stale = firstStaleClass(zip, classes);
                assumeTrue(stale.isEmpty(), () -> built.getFileName() + " does not hold the compiled " + stale.get()
                        + "; rebuild it with " + BUILD);
            }
            assumeTrue(zip.getEntry("native/lib/pytorch.properties") != null,
                    built.getFileName() + " has no CPU libtorch (built with -Pgpu); build it with " + BUILD);
        }
        return built;
    }

    /** The first class file under {@code classes} that the jar lacks or holds with other bytes. */
    private static Optional<String> firstStaleClass(ZipFile zip, Path classes) throws IOException {
        if (!Files.isDirectory(classes)) {
            return Optional.empty();
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        for (Path file : files) {
            String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                return Optional.of(name);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                if (!Arrays.equals(in.readAllBytes(), Files.readAllBytes(file))) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
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
        boolean s3aInJar;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            s3aInJar = zip.getEntry("org/apache/hadoop/fs/s3a/S3AFileSystem.class") != null;
        }
        if (!s3aInJar) {
            // built with -Pprovided-s3: the image holds hadoop-aws, so this SPARK_HOME does too
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            for (String entry : classPath.split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (S3_JARS.matcher(p.getFileName().toString()).matches()) {
                    Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
                }
            }
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
