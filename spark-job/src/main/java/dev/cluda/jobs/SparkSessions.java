package dev.cluda.jobs;

import dev.cluda.io.S3Settings;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The Spark session of a command: the one already running in this JVM if there is one (an
 * application or test that embeds the command line), else a new one that the lease stops. Either
 * way the S3 settings of the environment ({@link S3Settings#fromEnvironment()}) are added to its
 * Hadoop configuration, which executors receive with each job.
 */
public final class SparkSessions {

    /** The master used when neither {@code --master} nor the system property {@code spark.master} is given. */
    public static final String DEFAULT_MASTER = "local[*]";

    private SparkSessions() {
    }

    /** A session and whether this lease started it (and so stops it on {@link #close()}). */
    public record Lease(SparkSession session, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                session.stop();
            }
        }
    }

    /**
     * The running session, or a new one on {@code master}. Either way the environment's S3 settings
     * ({@link S3Settings#fromEnvironment()}) are applied to its Hadoop configuration, which executors
     * receive with every job.
     *
     * @param master a Spark master URL; null for the {@code spark.master} system property (set by
     *     spark-submit), else {@value #DEFAULT_MASTER}
     * @throws IllegalArgumentException if the S3 environment variables are malformed
     */
    public static Lease open(String master, String appName) {
        return open(master, appName, Map.of());
    }

    /** As {@link #open(String, String)}, with Spark settings for a session it starts. */
    public static Lease open(String master, String appName, Map<String, String> conf) {
        S3Settings s3 = S3Settings.fromEnvironment();
        Option<SparkSession> running = SparkSession.getActiveSession();
        if (!isLive(running)) {
            running = SparkSession.getDefaultSession();
        }
        // a stopped session stays registered as the default; it must not be reused
        boolean owned = !isLive(running);
        SparkSession session;
        if (owned) {
            SparkSession.Builder builder = SparkSession.builder().appName(appName)
                    .master(master != null ? master : System.getProperty("spark.master", DEFAULT_MASTER));
            conf.forEach(builder::config);
            session = builder.getOrCreate();
        } else {
            session = running.get();
        }
        s3.applyTo(session.sparkContext().hadoopConfiguration());
        return new Lease(session, owned);
    }

    /**
     * {@code session}, started and stopped by its owner (a notebook), for a job: the environment's
     * S3 settings are applied to its Hadoop configuration as {@link #open} applies them; the lease
     * never stops it.
     *
     * @throws IllegalArgumentException if the S3 environment variables are malformed
     */
    public static Lease borrow(SparkSession session) {
        S3Settings.fromEnvironment().applyTo(session.sparkContext().hadoopConfiguration());
        return new Lease(session, false);
    }

    private static boolean isLive(Option<SparkSession> session) {
        return session.isDefined() && !session.get().sparkContext().isStopped();
    }
}
