package dev.cluda.io;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real S3 server on 127.0.0.1 for tests: S3Proxy with its in-memory (transient) blob store,
 * started as a child JVM on its own classpath (its Jetty, servlet and Jackson versions clash with
 * Spark's). The classpath file is written at build time by module {@code test-s3proxy}; surefire
 * passes its path as the system property {@value #CLASSPATH_PROPERTY}. The server binds port 0
 * and the fixture reads the port it got from the server's log line
 * {@code Started ServerConnector...{127.0.0.1:PORT}}, so there is no free-port race.
 *
 * <p>{@link #close()} (or, if a test run dies, a shutdown hook) destroys the child's process
 * tree and deletes its working folder, which holds the properties file with the test keys.
 */
public final class S3ProxyServer implements AutoCloseable {

    /** System property with the path of the file that holds the S3Proxy classpath. */
    static final String CLASSPATH_PROPERTY = "cluda.s3proxy.classpath";
    /** The server's access key (identity). */
    public static final String ACCESS_KEY = "CLUDATESTACCESSKEY01";
    /** The server's secret key (credential); distinctive, so a leak is found by searching for it. */
    public static final String SECRET_KEY = "cluda-test-secret-7f3c2a9d51e84b06";
    static final String REGION = "us-east-1";

    private static final Pattern STARTED = Pattern.compile("Started .*ServerConnector.*\\{127\\.0\\.0\\.1:(\\d+)}");
    private static final int TAIL_LINES = 40;

    private final Process process;
    private final Path workDir;
    private final int port;
    private final Thread shutdownHook;
    private final Deque<String> tail;

    private S3ProxyServer(Process process, Path workDir, int port, Thread shutdownHook, Deque<String> tail) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
        this.shutdownHook = shutdownHook;
        this.tail = tail;
    }

    /** Starts the server and waits until it listens (at most {@code timeout}). */
    public static S3ProxyServer start(Duration timeout) throws IOException {
        String classpath = Files.readString(classpathFile()).strip();
        Path workDir = Files.createTempDirectory("cluda-s3proxy");
        Path properties = workDir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:0",
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=transient",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY) + "\n");
        Path logback = workDir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %level %logger{0} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.gaul.shaded.org.eclipse.jetty.server.AbstractConnector" level="INFO"/>
                  <root level="WARN"><appender-ref ref="out"/></root>
                </configuration>
                """);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Dlogback.configurationFile=" + logback,
                "-cp", classpath,
                "org.gaul.s3proxy.Main", "--properties", properties.toString());
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        Thread hook = new Thread(() -> destroyTree(process), "s3proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> pump(process, tail, port), "s3proxy-output");
        reader.setDaemon(true);
        reader.start();
        S3ProxyServer server = null;
        try {
            server = new S3ProxyServer(process, workDir, port.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    hook, tail);
            return server;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("S3Proxy did not start within " + timeout.toSeconds() + " s (exit code "
                    + (process.isAlive() ? "none, still running" : process.exitValue()) + "); its last output:\n"
                    + String.join("\n", snapshot(tail)), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while S3Proxy was starting", e);
        } finally {
            if (server == null) {
                destroyTree(process);
                Runtime.getRuntime().removeShutdownHook(hook);
                deleteTree(workDir);
            }
        }
    }

    /** The classpath file: the system property, else the module layout seen from the working directory. */
    private static Path classpathFile() {
        String configured = System.getProperty(CLASSPATH_PROPERTY);
        List<Path> candidates = configured != null ? List.of(Path.of(configured))
                : List.of(Path.of("../test-s3proxy/target/s3proxy.classpath"),
                        Path.of("test-s3proxy/target/s3proxy.classpath"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("S3Proxy classpath file not found (" + candidates + "); build module "
                + "test-s3proxy first, e.g. mvn -pl spark-job -am test, which also sets -D" + CLASSPATH_PROPERTY);
    }

    /** Copies the child's output into {@code tail} and completes {@code port} when it listens. */
    private static void pump(Process process, Deque<String> tail, CompletableFuture<Integer> port) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                Matcher m = STARTED.matcher(line);
                if (!port.isDone() && m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IOException("S3Proxy exited before it listened"));
    }

    private static List<String> snapshot(Deque<String> tail) {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The s3a settings that reach this server with its keys. */
    public S3Settings settings() {
        return S3Settings.builder().optEndpoint(endpoint()).optRegion(REGION)
                .optCredentials(ACCESS_KEY, SECRET_KEY).build();
    }

    /**
     * Points this JVM's commands at this server the way a user would, through the system properties
     * {@link S3Settings} reads (endpoint, region, path style, keys); undo with {@link #clearSystemProperties()}.
     */
    public void exportSystemProperties() {
        S3Settings s3 = settings();
        System.setProperty(S3Settings.PROP_ENDPOINT, s3.endpoint());
        System.setProperty(S3Settings.PROP_REGION, s3.region());
        System.setProperty(S3Settings.PROP_PATH_STYLE, "true");
        System.setProperty(S3Settings.PROP_ACCESS_KEY, ACCESS_KEY);
        System.setProperty(S3Settings.PROP_SECRET_KEY, SECRET_KEY);
    }

    /** Removes what {@link #exportSystemProperties()} set. */
    public static void clearSystemProperties() {
        for (String key : java.util.List.of(S3Settings.PROP_ENDPOINT, S3Settings.PROP_REGION,
                S3Settings.PROP_PATH_STYLE, S3Settings.PROP_ACCESS_KEY, S3Settings.PROP_SECRET_KEY)) {
            System.clearProperty(key);
        }
    }

    /** Creates a bucket (S3A cannot): one signed PUT with the AWS SDK that S3A itself uses. */
    public void createBucket(String name) {
        AmazonS3 s3 = AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new EndpointConfiguration(endpoint(), REGION))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
                .build();
        try {
            s3.createBucket(name);
        } finally {
            s3.shutdown();
        }
    }

    /** The server's last lines of output, for a failing test's message. */
    public List<String> outputTail() {
        return snapshot(tail);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    ProcessHandle processHandle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        destroyTree(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        deleteTree(workDir);
    }

    /** Asks the child and its descendants to stop, then kills whatever is left after 5 s. */
    private static void destroyTree(Process process) {
        List<ProcessHandle> all = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                h.destroyForcibly();
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
