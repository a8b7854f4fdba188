package dev.cluda.jobs;

import dev.cluda.data.SampleRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Spark plumbing shared by the inference jobs: images into partitions, and task errors back to the caller. */
final class ImageShards {

    private ImageShards() {
    }

    /**
     * The images as an RDD of {@code partitions} slices (0: the context's default parallelism),
     * never more slices than images; consecutive images share a slice. {@link CheckpointInference}
     * has checked that {@code partitions >= 0}.
     */
    static JavaRDD<ImageTask> distribute(SparkSession spark, List<SampleRef> refs, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int wanted = partitions == 0 ? jsc.defaultParallelism() : partitions;
        int slices = Math.max(1, Math.min(wanted, refs.size()));
        return jsc.parallelize(refs.stream().map(ImageTask::of).toList(), slices);
    }

    /**
     * Runs a Spark action; when a task failed on an error the user can fix (a bad file, a bad
     * argument: an {@link IOException}, {@link IllegalArgumentException} or
     * {@link IllegalStateException} somewhere in the cause chain), that error is rethrown as
     * itself rather than wrapped in Spark's "Job aborted" exception.
     */
    static <T> T run(Callable<T> action) throws IOException {
        try {
            return action.call();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UncheckedIOException u && u.getCause() != null) {
                    throw u.getCause();
                }
                if (t instanceof IOException io) {
                    throw io;
                }
                if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
                    throw (RuntimeException) t;
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            throw e instanceof RuntimeException r ? r : new RuntimeException("Spark job failed: " + e, e);
        }
    }
}
