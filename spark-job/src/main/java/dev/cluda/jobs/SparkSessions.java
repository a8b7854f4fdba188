package dev.cluda.jobs;

import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The Spark session of a command: the one already running in this JVM if there is one (an
 * application or test that embeds the command line), else a new one that the lease stops.
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
     * The running session, or a new one on {@code master}.
     *
     * @param master a Spark master URL; null for the {@code spark.master} system property, else {@value #DEFAULT_MASTER}
     */
    public static Lease open(String master, String appName) {
        Option<SparkSession> running = SparkSession.getActiveSession();
        if (running.isEmpty()) {
            running = SparkSession.getDefaultSession();
        }
        if (running.isDefined()) {
            return new Lease(running.get(), false);
        }
        String url = master != null ? master : System.getProperty("spark.master", DEFAULT_MASTER);
        return new Lease(SparkSession.builder().master(url).appName(appName).getOrCreate(), true);
    }
}
