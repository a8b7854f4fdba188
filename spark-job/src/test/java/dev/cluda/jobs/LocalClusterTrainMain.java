package dev.cluda.jobs;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The driver of {@link LocalClusterTrainTest}, run as a child JVM whose environment holds
 * {@code SPARK_HOME} and {@code SPARK_SCALA_VERSION}: trains the given configuration with
 * {@code local-cluster[2,1,1024]} (two executor JVMs) and prints one line per rank.
 *
 * <p>Arguments: config file, run directory, executor class path (the module's class folders),
 * then {@code --set} overrides.
 */
public final class LocalClusterTrainMain {

    private LocalClusterTrainMain() {
    }

    public static void main(String[] args) {
        CludaConfig config = CludaConfig.from(ConfigLoader.load(new File(args[0]),
                List.of(Arrays.copyOfRange(args, 3, args.length))));
        SparkSession spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("cluda-local-cluster")
                .config("spark.ui.enabled", "false")
                // executors take ~12 s to register: let the barrier slot check wait for them
                .config(DistributedTrainJob.MAX_CONCURRENT_CHECK, "12")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "5s")
                .config("spark.executor.extraClassPath", args[2])
                .config("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1")
                .config("spark.executorEnv.DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"))
                .config("spark.executorEnv.DJL_OFFLINE", "true")
                .config("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                .config("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1")
                .getOrCreate();
        try {
            DistributedTrainJob.Result result = DistributedTrainJob.run(spark, config, args[1], false);
            for (RankSummary r : result.ranks()) {
                System.out.println("RANK " + r.rank() + " executor=" + r.executor() + " attempts=" + result.attempts()
                        + " checks=" + r.replicaChecks() + " seconds=" + r.seconds());
            }
            System.out.println("JOB seconds=" + result.seconds());
        } finally {
            spark.stop();
        }
    }
}
