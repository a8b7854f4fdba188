package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.LogCapture;
import dev.cluda.io.S3ProxyServer;
import dev.cluda.io.S3Settings;
import dev.cluda.jobs.ExecutorModels;
import dev.cluda.jobs.PseudoLabelManifest;
import dev.cluda.jobs.TestSpark;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.Level;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end on S3 (S3Proxy in a child JVM, one for the class), through the real command line with
 * the S3 settings given only as system properties ({@link S3Settings}): {@code cluda synth} uploads
 * a tiny benchmark (6 + 4 + 2 images of 128x64), {@code cluda stats} indexes and summarises it on
 * Spark, {@code cluda train} (MiT-B0 with a 16-wide head, 2 iterations) reads the statistics and
 * writes its run directory there, {@code cluda pseudo-labels} labels the target set into S3 and a
 * second run trains on them, {@code cluda eval --checkpoint} reproduces the run's own eval.json and
 * {@code --resume} continues from the S3 checkpoint. The methods run in order, each on what the
 * previous ones wrote; the last one checks that no key reached any output, log or stored file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@IntegrationTest
class S3PipelineTest {

    private static final String BUCKET = "cluda-pipeline";
    private static final String DATA = "s3a://" + BUCKET + "/synth";
    private static final String SOURCE_ROOT = DATA + "/" + SyntheticBenchmarkWriter.SOURCE_DIR;
    private static final String RUN = "s3a://" + BUCKET + "/runs/r1";
    private static final String RUN2 = "s3a://" + BUCKET + "/runs/r2";
    private static final String PSEUDO = "s3a://" + BUCKET + "/pseudo";
    private static final String EVAL = "s3a://" + BUCKET + "/eval";
    /** The benchmark of every command: synth, stats and train must agree or training regenerates it. */
    private static final List<String> SYNTH = List.of("synth.sourceImages=6", "synth.targetTrainImages=4",
            "synth.targetValImages=2", "synth.width=128", "synth.height=64");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static S3ProxyServer server;
    private static SparkSession spark;
    private static LogCapture capture;
    private static HadoopFileStore store;
    /** Every command's result, for the credentials check. */
    private static final List<CliRunner.Result> RESULTS = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        server = S3ProxyServer.start(Duration.ofSeconds(60));
        server.createBucket(BUCKET);
        server.exportSystemProperties();
        capture = new LogCapture(Map.of(
                "org.apache.hadoop", Level.INFO,
                "org.apache.hadoop.fs.s3a", Level.DEBUG,
                "org.apache.spark", Level.INFO,
                "com.amazonaws", Level.INFO,
                "dev.cluda", Level.DEBUG));
        spark = TestSpark.start(); // plain local[2]: the commands must add the S3 settings themselves
        store = HadoopFileStore.fromEnvironment();
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            ExecutorModels.shared().clear();
            if (spark != null) {
                spark.stop();
            }
            if (capture != null) {
                capture.close();
            }
            closeCachedFileSystem(); // so no later class gets one with this server's dead endpoint
        } finally {
            S3ProxyServer.clearSystemProperties();
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * Runs one command as a fresh process would: S3A file systems are cached per bucket, so the
     * bucket's is dropped first and the command must reach S3 with the settings it applies itself.
     */
    private static CliRunner.Result cli(List<String> args) {
        try {
            closeCachedFileSystem();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        RESULTS.add(r);
        return r;
    }

    private static void closeCachedFileSystem() throws IOException {
        FileSystem.get(URI.create("s3a://" + BUCKET + "/"), S3Settings.fromEnvironment().applyTo(new Configuration()))
                .close();
    }

    /** {@code command} with {@code --set} for the benchmark, the tiny model and {@code extra}. */
    private static CliRunner.Result withConfig(List<String> command, String... extra) {
        List<String> args = new ArrayList<>(command);
        List<String> overrides = new ArrayList<>(SYNTH);
        overrides.addAll(List.of("data.source.root=" + DATA, "data.target.root=" + DATA, "model.embedDim=16",
                "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64", "train.iters=2",
                "train.warmupIters=1", "train.logInterval=1", "train.checkpointInterval=2",
                "train.keepCheckpoints=0", "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000"));
        overrides.addAll(List.of(extra));
        for (String o : overrides) {
            args.add("--set");
            args.add(o);
        }
        return cli(args);
    }

    private static CliRunner.Result train(String out, List<String> flags, String... extra) {
        List<String> command = new ArrayList<>(List.of("train", "--config", syntheticConf().toString(), "--out", out));
        command.addAll(flags);
        return withConfig(command, extra);
    }

    private static Path syntheticConf() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/synthetic.conf"))) {
                return p.resolve("conf/synthetic.conf");
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf above " + Path.of("").toAbsolutePath());
    }

    private static String text(String path) throws IOException {
        try (InputStream in = store.open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Integer> loggedIterations(String run) throws IOException {
        List<Integer> iters = new ArrayList<>();
        for (String line : text(run + "/metrics.jsonl").split("\n")) {
            iters.add(JSON.readTree(line).get("iter").asInt());
        }
        return iters;
    }

    private static void assertOk(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), () -> r.out() + r.err() + "\nS3 server:\n" + String.join("\n", server.outputTail()));
    }

    @Test
    @Order(1)
    void synth_toS3_uploadsTheBenchmark() throws IOException {
        CliRunner.Result r = withConfig(List.of("synth", "--out", DATA));
        assertOk(r);
        assertTrue(r.out().contains("synth: wrote 12 images to " + DATA), r.out());
        assertTrue(store.exists(DATA + "/" + SyntheticBenchmarkWriter.MANIFEST));
        long sourceFiles = store.listFiles(SOURCE_ROOT).stream().filter(p -> p.endsWith(".png")).count();
        assertEquals(12, sourceFiles, "6 source images and their labels");
    }

    @Test
    @Order(2)
    void stats_onS3_indexesAndSummarisesOnSparkIntoTheDatasetRoot() throws IOException {
        CliRunner.Result r = withConfig(List.of("stats"));
        assertOk(r);
        assertFalse(r.out().contains("generating"), "the uploaded benchmark is used as it is: " + r.out());
        assertTrue(r.out().contains("stats: 6 images (0 skipped) of gta5 " + SOURCE_ROOT), r.out());
        for (String name : List.of(ClassStatisticsFiles.SAMPLE_CLASS_STATS, ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT,
                ClassStatisticsFiles.SAMPLES_WITH_CLASS)) {
            assertTrue(store.exists(SOURCE_ROOT + "/" + name), name);
        }
        assertTrue(store.listFiles(SOURCE_ROOT + "/" + ClassStatisticsFiles.COUNTS_TABLE).stream()
                .anyMatch(p -> p.endsWith(".parquet")), "Parquet part files on S3");
        assertEquals(6, ClassStatisticsFiles.read(store, SOURCE_ROOT).images().size());
        assertFalse(spark.sparkContext().isStopped(), "the command must not stop the test's session");
    }

    @Test
    @Order(3)
    void train_onS3_readsTheStatisticsAndWritesTheRunDirectoryThere() throws IOException {
        CliRunner.Result r = train(RUN, List.of());
        assertOk(r);
        assertTrue(r.out().contains("data: rare-class statistics from " + SOURCE_ROOT), r.out());
        assertTrue(r.out().contains("train: 2 iterations in"), r.out());
        assertTrue(text(RUN + "/config.conf").contains(DATA), "config.conf names the S3 data");
        assertEquals(List.of(0, 1), loggedIterations(RUN));
        assertEquals(2, EvalJson.read(store, RUN + "/eval.json").iter());
        assertEquals("iter_00000002.ckpt", text(RUN + "/checkpoints/latest").trim());
        assertTrue(store.exists(RUN + "/checkpoints/iter_00000002.ckpt"));
    }

    @Test
    @Order(4)
    void pseudoLabels_onS3_thenASecondRunTrainsOnThem() throws IOException {
        CliRunner.Result r = cli(List.of("pseudo-labels", "--checkpoint", RUN, "--out", PSEUDO, "--partitions", "2"));
        assertOk(r);
        assertTrue(r.out().startsWith("pseudo-labels: 4 images (0 skipped)"), r.out());
        PseudoLabelManifest manifest = PseudoLabelManifest.read(store, PSEUDO);
        assertEquals(4, manifest.images());
        assertEquals(2, manifest.iteration());
        List<String> files = store.listFiles(PSEUDO);
        assertEquals(4, files.stream().filter(p -> p.endsWith(PseudoLabelManifest.LABEL_SUFFIX)).count(), files::toString);
        assertEquals(4, files.stream().filter(p -> p.endsWith(PseudoLabelManifest.CONFIDENCE_SUFFIX)).count());
        JsonNode summary = JSON.readTree(text(PSEUDO + "/" + PseudoLabelManifest.SUMMARY_FILE));
        assertEquals(4, summary.get("ground_truth").get("num_images").asInt());

        CliRunner.Result second = train(RUN2, List.of(), "uda.pseudoLabels=precomputed", "uda.pseudoLabelDir=" + PSEUDO);
        assertOk(second);
        assertTrue(second.out().contains("data: pseudo-labels read from " + PSEUDO), second.out());
        assertEquals("iter_00000002.ckpt", text(RUN2 + "/checkpoints/latest").trim());
        assertTrue(text(RUN2 + "/config.conf").contains(PSEUDO));
    }

    @Test
    @Order(5)
    void evalCheckpoint_onS3_equalsTheRunsOwnEvaluation() throws IOException {
        CliRunner.Result r = cli(List.of("eval", "--checkpoint", RUN, "--partitions", "2", "--out", EVAL));
        assertOk(r);
        assertTrue(r.out().contains("eval: 2 images"), r.out());
        EvalResult trainer = EvalJson.read(store, RUN + "/eval.json");
        EvalResult distributed = EvalJson.read(store, EVAL + "/" + EvalJson.FILE_NAME);
        assertEquals(trainer, distributed);
    }

    @Test
    @Order(6)
    void resume_onS3_continuesFromTheStoredCheckpoint() throws IOException {
        CliRunner.Result r = train(RUN, List.of("--resume"), "train.iters=4");
        assertOk(r);
        assertTrue(r.out().contains("resume: continuing at iteration 2"), r.out());
        assertTrue(r.out().contains("train: 2 iterations (resumed at 2)"), r.out());
        assertEquals(List.of(0, 1, 2, 3), loggedIterations(RUN));
        assertEquals("iter_00000004.ckpt", text(RUN + "/checkpoints/latest").trim());
        List<String> checkpoints = store.listFiles(RUN + "/checkpoints").stream().filter(p -> p.endsWith(".ckpt")).toList();
        assertEquals(List.of(RUN + "/checkpoints/iter_00000004.ckpt"), checkpoints, "keepCheckpoints = 0 pruned iter 2");
        assertEquals(4, EvalJson.read(store, RUN + "/eval.json").iter());
    }

    @Test
    @Order(7)
    void failingCommands_nameThePathButNoKey() {
        String missing = "s3a://" + BUCKET + "/missing-run";
        CliRunner.Result r = cli(List.of("eval", "--checkpoint", missing, "--out", EVAL + "-missing"));
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(missing), r.err());

        String withKeys = "s3a://" + S3ProxyServer.ACCESS_KEY + ":" + S3ProxyServer.SECRET_KEY + "@" + BUCKET + "/runs/r1";
        CliRunner.Result inPath = cli(List.of("pseudo-labels", "--checkpoint", withKeys, "--out", PSEUDO + "-keys"));
        assertEquals(2, inPath.exitCode(), inPath.out() + inPath.err());
        assertTrue(inPath.err().contains("credentials in a path are not supported"), inPath.err());
        for (String err : List.of(r.err(), inPath.err())) {
            assertFalse(err.contains(S3ProxyServer.ACCESS_KEY) || err.contains(S3ProxyServer.SECRET_KEY), err);
        }
    }

    @Test
    @Order(8)
    void explain_configOnS3_readsItAndTheIncludeBesideIt() throws IOException {
        String conf = "s3a://" + BUCKET + "/conf";
        store.writeAtomically(conf + "/base.conf", "train.iters = 7\n".getBytes(StandardCharsets.UTF_8));
        store.writeAtomically(conf + "/exp.conf",
                "include \"base.conf\"\nmodel.encoder = mit_b1\n".getBytes(StandardCharsets.UTF_8));
        store.writeAtomically(conf + "/typo.conf", "include \"bsae.conf\"\n".getBytes(StandardCharsets.UTF_8));
        CliRunner.Result r = cli(List.of("explain", "--config", conf + "/exp.conf"));
        assertOk(r);
        assertTrue(r.out().contains("train.iters = 7") && r.out().contains("model.encoder = \"mit_b1\""), r.out());
        CliRunner.Result typo = cli(List.of("explain", "--config", conf + "/typo.conf"));
        assertEquals(2, typo.exitCode(), typo.out() + typo.err());
        assertTrue(typo.err().contains("bsae.conf"), typo.err());
    }

    @Test
    @Order(9)
    void credentials_neverInOutputLogsOrStoredConfig() throws IOException {
        assertEquals(11, RESULTS.size(), "every command of the pipeline ran");
        String logs = capture.text();
        assertTrue(capture.events() > 100, "S3A debug and Spark info logging was captured: " + capture.events());
        assertTrue(logs.contains(BUCKET), "the capture saw the S3 traffic");
        List<String> texts = new ArrayList<>(List.of(logs, text(RUN + "/config.conf"), text(RUN2 + "/config.conf")));
        for (CliRunner.Result r : RESULTS) {
            texts.add(r.out());
            texts.add(r.err());
        }
        for (String key : List.of(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)) {
            for (int i = 0; i < texts.size(); i++) {
                int at = texts.get(i).indexOf(key);
                String where = i == 0 ? "the logs" : i <= 2 ? "a config.conf on S3" : "command output " + (i - 3) / 2;
                assertEquals(-1, at, () -> "a key in " + where + " at position " + at);
            }
        }
    }
}
