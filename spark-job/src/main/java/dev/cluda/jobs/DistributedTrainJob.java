package dev.cluda.jobs;

import dev.cluda.config.CludaConfig;
import dev.cluda.io.S3Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training in a Spark barrier stage: one barrier task per rank
 * ({@link RankTask}), gradients averaged over a TCP ring every step. The barrier
 * {@code mapPartitions} feeds a {@code repartition(1)}, so it is a shuffle-map stage, which Spark
 * retries as a whole when a task fails (up to {@code spark.stage.maxConsecutiveAttempts}); a
 * failed barrier result stage would not be retried. Every attempt resumes from the latest
 * complete checkpoint; the attempt count comes from the attempt number each rank of the
 * successful attempt reports.
 */
public final class DistributedTrainJob {

    /** Lets a barrier stage fail fast instead of waiting for free slots when there are too few. */
    static final String MAX_CONCURRENT_CHECK = "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures";

    /**
     * How the job went.
     *
     * @param ranks one summary per rank, in rank order
     * @param attempts the number of stage attempts (1 = no retry)
     * @param seconds wall time of the Spark job
     */
    public record Result(List<RankSummary> ranks, int attempts, double seconds) {
    }

    private DistributedTrainJob() {
    }

    /**
     * Trains {@code config} with {@code config.ranks()} ranks and writes the run directory
     * {@code runDir} (rank 0 writes).
     *
     * @param resume continue the run in {@code runDir} from its latest checkpoint
     * @throws IllegalArgumentException if the configuration asks for fewer than 2 ranks
     */
    public static Result run(SparkSession spark, CludaConfig config, String runDir, boolean resume) {
        int n = config.ranks();
        if (n < 2) {
            throw new IllegalArgumentException("distributed.ranks = " + n + ": a distributed run needs at least 2"
                    + " ranks; train one rank in this process instead (Trainer)");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RDD<Integer> ranks = jsc.parallelize(IntStream.range(0, n).boxed().toList(), n).rdd();
        RankTask task = new RankTask(config.render(), runDir, resume,
                new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration()));
        ClassTag<RankSummary> tag = ClassTag$.MODULE$.apply(RankSummary.class);
        RDD<RankSummary> trained = ranks.barrier().mapPartitions(task, false, tag).repartition(1, null);
        spark.sparkContext().setJobDescription("cluda train: " + n + " ranks -> " + runDir);
        long began = System.nanoTime();
        List<RankSummary> out = new ArrayList<>(trained.toJavaRDD().collect());
        double seconds = (System.nanoTime() - began) / 1e9;
        out.sort(Comparator.comparingInt(RankSummary::rank));
        int attempts = out.stream().mapToInt(RankSummary::attempt).max().orElse(0) + 1;
        return new Result(List.copyOf(out), attempts, seconds);
    }

    /**
     * The running session, or a new one for {@code ranks} barrier tasks: on {@code spark.master}
     * when configured, else {@code local[ranks,4]} (one slot per rank, a task may fail 3 times so
     * a stage can be retried). The S3 settings of the environment are added to its Hadoop
     * configuration.
     */
    public static SparkSessions.Lease session(int ranks) {
        String master = System.getProperty("spark.master") == null ? localMaster(ranks) : null;
        return SparkSessions.open(master, "cluda train", Map.of(MAX_CONCURRENT_CHECK, "1"));
    }

    /** {@code local[ranks,4]}: one slot per rank, and up to 4 failures of a task before the job fails. */
    static String localMaster(int ranks) {
        return "local[" + ranks + ",4]";
    }
}
