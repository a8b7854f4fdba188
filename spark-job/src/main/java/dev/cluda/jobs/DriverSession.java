package dev.cluda.jobs;

import dev.cluda.io.S3Settings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session a command runs its jobs in: the session already running in this JVM (a test's,
 * or a {@code spark-submit} application's), or a new one, on {@code local[*]} when no master is
 * configured. The S3 settings of the environment ({@link S3Settings#fromEnvironment()}) are added
 * to its Hadoop configuration, which executors receive with each job. {@link #close} stops only a
 * session this object started.
 */
public final class DriverSession implements AutoCloseable {

    private final SparkSession spark;
    private final boolean owned;

    private DriverSession(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
    }

    /**
     * The running session, or a new one named {@code appName}.
     *
     * @throws IllegalArgumentException if the S3 environment variables are malformed
     */
    public static DriverSession open(String appName) {
        S3Settings s3 = S3Settings.fromEnvironment();
        boolean running = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (!running && !new SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        s3.applyTo(spark.sparkContext().hadoopConfiguration());
        return new DriverSession(spark, !running);
    }

    public SparkSession spark() {
        return spark;
    }

    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }
}
