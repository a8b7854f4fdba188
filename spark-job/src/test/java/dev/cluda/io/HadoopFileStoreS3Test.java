package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.CityscapesReader;
import dev.cluda.data.DatasetReader;
import dev.cluda.data.Gta5Reader;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.synth.SynthSpec;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.testing.IntegrationTest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.s3a.S3AFileStatus;
import org.apache.logging.log4j.Level;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HadoopFileStore} on {@code s3a://} against a real S3 server (S3Proxy in a child JVM on
 * 127.0.0.1, started once for the class), configured only through {@link S3Settings}; the
 * credentials never show in errors or logs, and a synthetic benchmark uploaded to S3 is indexed
 * and read by the core readers exactly as its local copy.
 */
@IntegrationTest
class HadoopFileStoreS3Test {

    static final String BUCKET = "cluda";
    private static final String DENIED_BUCKET = "cluda-denied";
    /** Only Spark's own configuration ever opens this bucket (S3A file systems are cached per bucket). */
    private static final String SPARK_BUCKET = "cluda-spark";
    private static final String WRONG_SECRET = "wrong-secret-0c4e8b2f6a1d7e93";

    static S3ProxyServer server;
    static Configuration conf;
    static HadoopFileStore store;

    @BeforeAll
    static void startServer() throws IOException {
        server = S3ProxyServer.start(Duration.ofSeconds(60));
        server.createBucket(BUCKET);
        server.createBucket(DENIED_BUCKET);
        server.createBucket(SPARK_BUCKET);
        conf = s3Conf(server.settings());
        store = new HadoopFileStore(conf);
    }

    /** The settings plus test tuning: 5 MiB parts (S3's minimum), memory buffers, fast failures. */
    static Configuration s3Conf(S3Settings settings) {
        Configuration c = settings.applyTo(new Configuration());
        c.set("fs.s3a.multipart.size", "5M");
        c.set("fs.s3a.fast.upload.buffer", "bytebuffer");
        c.set("fs.s3a.attempts.maximum", "1");
        c.set("fs.s3a.retry.limit", "1");
        c.set("fs.s3a.retry.interval", "10ms");
        return c;
    }

    @AfterAll
    static void stopServer() throws IOException {
        try {
            for (String bucket : List.of(BUCKET, DENIED_BUCKET)) {
                FileSystem.get(URI.create("s3a://" + bucket + "/"), conf).close();
            }
        } finally {
            server.close();
        }
    }

    private static String s3(String key) {
        return "s3a://" + BUCKET + "/" + key;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] read(String path) throws IOException {
        try (InputStream in = store.open(path)) {
            return in.readAllBytes();
        }
    }

    @Test
    void s3proxy_runsApart_itsJarsAreNotOnTheTestClasspath() {
        assertTrue(server.isAlive(), () -> String.join("\n", server.outputTail()));
        assertTrue(server.port() > 0);
        assertNull(getClass().getClassLoader().getResource("org/gaul/s3proxy/Main.class"));
        assertNull(getClass().getClassLoader().getResource("tools/jackson/databind/ObjectMapper.class"));
    }

    @Test
    void fileOperations_onS3a_behaveAsOnLocalDisk() throws IOException {
        String root = s3("ops");
        try (OutputStream out = store.create(store.resolve(root, "a/b/one.txt"))) {
            out.write(utf8("one"));
        }
        store.writeAtomically(store.resolve(root, "a/two.txt"), utf8("two"));

        List<String> files = store.listFiles(root);
        assertEquals(List.of(s3("ops/a/b/one.txt"), s3("ops/a/two.txt")), files);
        assertEquals(List.of("a/b/one.txt", "a/two.txt"), files.stream().map(p -> store.relativize(root, p)).toList());
        assertEquals(s3("ops/a/two.txt"), store.resolve(root, "a/two.txt"));
        assertArrayEquals(utf8("one"), read(files.get(0)));
        assertEquals(List.of(s3("ops/a/b"), s3("ops/a/two.txt")), store.children(s3("ops/a")));

        assertTrue(store.exists(s3("ops/a/two.txt")));
        assertTrue(store.exists(s3("ops/a")));
        assertTrue(store.isDirectory(s3("ops/a")));
        assertFalse(store.isDirectory(s3("ops/a/two.txt")));
        assertFalse(store.isDirectory(s3("ops/none")));
        assertFalse(store.exists(s3("ops/none")));
        assertThrows(IllegalArgumentException.class, () -> store.relativize(root, "s3a://other/ops/a/two.txt"));

        assertTrue(store.deleteRecursively(s3("ops/a")));
        assertFalse(store.exists(s3("ops/a/b/one.txt")));
        assertFalse(store.deleteRecursively(s3("ops/a")));
        IOException e = assertThrows(IOException.class, () -> store.listFiles(s3("ops/a")));
        assertTrue(e.getMessage().contains("s3a://cluda/ops/a"), e.getMessage());
    }

    @Test
    void writeAtomically_replacesObject_noTemporaryObjectLeft() throws IOException {
        String target = s3("atomic/eval.json");
        store.writeAtomically(target, utf8("old"));
        long renames = s3aCounter("op_rename");
        long copies = s3aCounter("object_copy_requests");
        store.writeAtomically(target, utf8("new, longer"));
        assertArrayEquals(utf8("new, longer"), read(target));
        assertEquals(List.of(target), store.children(s3("atomic")));
        // One upload under the final name: no rename, so no copy and no moment without the object.
        assertEquals(renames, s3aCounter("op_rename"));
        assertEquals(copies, s3aCounter("object_copy_requests"));
    }

    @Test
    void writeAtomically_killedBeforeUploadCompletes_oldObjectStays() throws IOException {
        String target = s3("killed/latest");
        store.writeAtomically(target, utf8("iter_00000100.ckpt\n"));
        HadoopFileStore killed = new HadoopFileStore(conf, () -> {
            throw new HadoopFileStoreAtomicTest.Killed();
        });
        assertThrows(HadoopFileStoreAtomicTest.Killed.class,
                () -> killed.writeAtomically(target, utf8("iter_00000200.ckpt\n")));
        assertArrayEquals(utf8("iter_00000100.ckpt\n"), read(target));
        assertEquals(List.of(target), store.children(s3("killed")));
    }

    @Test
    void writeAtomically_whileReplaced_readerSeesOldOrNewNeverNothing() throws Exception {
        String target = s3("replaced/latest");
        // Every version has the same length: S3Proxy's nio2 store reads an object's size and
        // ETag, then opens its bytes by path, so under replacement it can serve new bytes cut to
        // the old length (its race, not S3's: an S3 GET is atomic).
        store.writeAtomically(target, utf8("iter_00\n"));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!done.get()) {
                    String content;
                    try {
                        content = new String(read(target), StandardCharsets.UTF_8);
                    } catch (org.apache.hadoop.fs.s3a.RemoteFileChangedException changed) {
                        // S3A's own check: replaced between its HEAD and GET, so it was there; read again.
                        continue;
                    }
                    if (!content.matches("iter_\\d{2}\n")) {
                        throw new AssertionError("torn content: '" + content + "'");
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 1; i <= 30 && failure.get() == null; i++) {
            store.writeAtomically(target, utf8(String.format("iter_%02d", i) + "\n"));
        }
        done.set(true);
        reader.join();
        assertNull(failure.get(), () -> "reader saw a missing or torn object: " + failure.get());
    }

    @Test
    void runDirectoryLock_onS3_isAdvisoryMarker() throws IOException {
        String run = s3("locked-run");
        assertFalse(store.supportsLocking(run));
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(store, run)) {
            assertTrue(lock.advisory());
            assertArrayEquals(utf8(lock.owner()), read(s3("locked-run/.lock")));
        }
        assertFalse(store.exists(s3("locked-run/.lock")));
    }

    @Test
    void create_objectInvisibleUntilClosed() throws IOException {
        String target = s3("visible/part.bin");
        try (OutputStream out = store.create(target)) {
            out.write(new byte[1000]);
            assertFalse(store.exists(target), "an S3 object must not be visible before its upload completes");
        }
        assertEquals(1000, read(target).length);
    }

    @Test
    void writeAtomically_twelveMiB_multipartUploadRoundTripsByteForByte() throws IOException {
        byte[] bytes = new byte[12 * 1024 * 1024 + 123];
        new SplittableRandom(5).nextBytes(bytes);
        String target = s3("big/checkpoint.bin");
        store.writeAtomically(target, bytes);

        assertArrayEquals(bytes, read(target));
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(target);
        S3AFileStatus status = (S3AFileStatus) path.getFileSystem(conf).getFileStatus(path);
        assertEquals(bytes.length, status.getLen());
        // A multipart object's ETag ends in -<parts>: 5 + 5 + 2 MiB.
        assertTrue(status.getETag().endsWith("-3\"") || status.getETag().endsWith("-3"), status.getETag());
        assertEquals(List.of(target), store.children(s3("big")));
    }

    @Test
    void syntheticBenchmark_uploadedToS3_indexesAndReadsLikeItsLocalCopy(@TempDir Path local) throws IOException {
        SynthSpec spec = SynthSpec.defaults().withCounts(3, 3, 2).withSize(64, 32);
        String root = s3("synth");
        HadoopFileStore disk = HadoopFileStore.local();
        SyntheticBenchmarkWriter.write(spec, store, root);
        SyntheticBenchmarkWriter.write(spec, disk, local.toString());
        assertTrue(SyntheticBenchmarkWriter.matches(spec, store, root));

        List<String> remote = store.listFiles(root).stream().map(p -> store.relativize(root, p)).toList();
        List<String> onDisk = disk.listFiles(local.toString()).stream()
                .map(p -> disk.relativize(local.toString(), p)).toList();
        assertEquals(onDisk, remote);
        assertEquals(1 + 2 * (3 + 3 + 2), remote.size());
        for (String relative : remote) {
            if (!relative.equals(SyntheticBenchmarkWriter.MANIFEST)) {
                assertArrayEquals(Files.readAllBytes(local.resolve(relative)), read(store.resolve(root, relative)),
                        relative);
            }
        }

        assertSameSamples(new Gta5Reader(), "gta5", "", 3, root, local);
        assertSameSamples(new CityscapesReader(), "cityscapes", "train", 3, root, local);
        assertSameSamples(new CityscapesReader(), "cityscapes", "val", 2, root, local);
    }

    /** The reader indexes the same samples on S3 and on disk and decodes identical pixels from both. */
    private static void assertSameSamples(DatasetReader reader, String dir, String split, int count, String s3Root,
                                          Path local) throws IOException {
        HadoopFileStore disk = HadoopFileStore.local();
        List<SampleRef> remote = reader.index(store, store.resolve(s3Root, dir), split);
        List<SampleRef> onDisk = reader.index(disk, local.resolve(dir).toString(), split);
        assertEquals(count, remote.size());
        assertEquals(onDisk.stream().map(SampleRef::id).toList(), remote.stream().map(SampleRef::id).toList());
        for (int i = 0; i < count; i++) {
            SampleRef ref = remote.get(i);
            assertTrue(ref.imagePath().startsWith(s3Root + "/" + dir + "/"), ref.imagePath());
            assertEquals(onDisk.get(i).city(), ref.city());
            Sample a = reader.read(store, ref);
            Sample b = reader.read(disk, onDisk.get(i));
            assertArrayEquals(b.image().rgb(), a.image().rgb(), ref.id());
            assertArrayEquals(b.trainIds().ids(), a.trainIds().ids(), ref.id());
        }
    }

    @Test
    void missingObject_errorNamesPathNotCredentials() {
        IOException e = assertThrows(FileNotFoundException.class, () -> store.open(s3("nowhere/missing.png")));
        assertTrue(e.getMessage().contains("missing.png"), e.getMessage());
        assertNoCredentials(e);
    }

    @Test
    void unknownBucket_errorHasNoCredentials() {
        IOException e = assertThrows(IOException.class, () -> store.listFiles("s3a://no-such-bucket/data"));
        assertNoCredentials(e);
    }

    @Test
    void wrongSecret_accessDenied_neitherSecretInTheError() {
        S3Settings wrong = S3Settings.builder().optEndpoint(server.endpoint()).optRegion(S3ProxyServer.REGION)
                .optCredentials(S3ProxyServer.ACCESS_KEY, WRONG_SECRET).build();
        HadoopFileStore denied = new HadoopFileStore(s3Conf(wrong));
        IOException e = assertThrows(IOException.class,
                () -> denied.writeAtomically("s3a://" + DENIED_BUCKET + "/x.txt", utf8("x")));
        assertNoCredentials(e);
        assertFalse(stackTrace(e).contains(WRONG_SECRET), stackTrace(e));
    }

    @Test
    void credentialsInPath_refusedWithoutEchoingThem() {
        String secret = S3ProxyServer.SECRET_KEY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.exists("s3a://" + S3ProxyServer.ACCESS_KEY + ":" + secret + "@" + BUCKET + "/x"));
        assertTrue(e.getMessage().contains("AWS_SECRET_ACCESS_KEY"), e.getMessage());
        assertNoCredentials(e);
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> store.open("s3a://AK:" + secret + "%zz@" + BUCKET + "/x"));
        assertNoCredentials(malformed);
    }

    @Test
    void logs_duringS3Operations_neverContainKeys() throws IOException {
        String text;
        try (LogCapture capture = new LogCapture(Map.of(
                "org.apache.hadoop.fs.s3a", Level.DEBUG,
                "dev.cluda", Level.DEBUG,
                "com.amazonaws", Level.INFO))) {
            String target = s3("logged/file.txt");
            store.writeAtomically(target, utf8("logged"));
            assertArrayEquals(utf8("logged"), read(target));
            assertEquals(List.of(target), store.listFiles(s3("logged")));
            assertThrows(FileNotFoundException.class, () -> store.open(s3("logged/missing")));
            assertThrows(IOException.class, () -> store.listFiles("s3a://no-such-bucket/logged"));
            text = capture.text();
            assertTrue(capture.events() > 10, "S3A debug logging was captured: " + capture.events() + " events");
        }
        assertFalse(text.contains(S3ProxyServer.SECRET_KEY), "secret key in the logs");
        assertFalse(text.contains(S3ProxyServer.ACCESS_KEY), "access key in the logs");
    }

    @Test
    void redaction_ofTheLiveConfiguration_masksBothKeys() throws IOException {
        java.io.ByteArrayOutputStream xml = new java.io.ByteArrayOutputStream();
        conf.writeXml(xml);
        String dump = xml.toString(StandardCharsets.UTF_8) + "\n" + server.settings().sparkProperties();
        assertTrue(dump.contains(S3ProxyServer.SECRET_KEY));
        String redacted = server.settings().redaction().redact(dump);
        assertFalse(redacted.contains(S3ProxyServer.SECRET_KEY));
        assertFalse(redacted.contains(S3ProxyServer.ACCESS_KEY));
        assertTrue(redacted.contains(server.endpoint()));
    }

    @Test
    void sparkSession_withSparkProperties_writesAndReadsS3a() {
        String dir = "s3a://" + SPARK_BUCKET + "/lines";
        SparkSession.Builder builder = SparkSession.builder().master("local[1]").appName("s3a")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1");
        server.settings().sparkProperties().forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            spark.createDataset(List.of("a", "b", "c"), Encoders.STRING()).coalesce(1).write().text(dir);
            assertEquals(List.of("a", "b", "c"), spark.read().text(dir).as(Encoders.STRING()).collectAsList());
        } finally {
            spark.stop();
        }
    }

    private static long s3aCounter(String name) throws IOException {
        Long value = FileSystem.get(URI.create(s3("")), conf).getStorageStatistics().getLong(name);
        assertNotNull(value, name);
        return value;
    }

    static void assertNoCredentials(Throwable e) {
        String all = stackTrace(e);
        assertFalse(all.contains(S3ProxyServer.SECRET_KEY), all);
        assertFalse(all.contains(S3ProxyServer.ACCESS_KEY), all);
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
