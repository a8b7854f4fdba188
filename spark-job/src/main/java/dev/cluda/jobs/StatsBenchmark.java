package dev.cluda.jobs;

import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.PairedDatasetReader;
import dev.cluda.data.SampleRef;
import dev.cluda.error.UserInputException;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.train.UdaDataSampler;
import dev.cluda.uda.ClassStatistics;
import dev.cluda.uda.ImageClassCounts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code cluda bench stats}: images per second of the statistics computation (list, decode every
 * sample, count classes, summarise) as the Spark job and as one thread reading the labels in
 * order, on the same data. One untimed run of each comes first (class loading, JIT, Spark's first
 * job); then each is timed {@code repeats} times, alternating, and the median is reported. Both
 * must give the same statistics, or the benchmark fails.
 */
public final class StatsBenchmark {

    /**
     * @param images samples counted per run
     * @param master the Spark master the job ran on
     * @param sparkSeconds median seconds of one Spark run
     * @param singleThreadSeconds median seconds of one single-threaded run
     */
    public record Result(int images, String master, int repeats, double sparkSeconds, double singleThreadSeconds) {

        public double sparkImagesPerSecond() {
            return images / sparkSeconds;
        }

        public double singleThreadImagesPerSecond() {
            return images / singleThreadSeconds;
        }
    }

    private StatsBenchmark() {
    }

    /**
     * Times both computations over the samples of {@code split} below {@code root}.
     *
     * @throws IllegalArgumentException if {@code repeats} is below 1
     * @throws IllegalStateException if the two computations disagree
     */
    public static Result run(SparkSession spark, DatasetKind kind, String root, String split, int repeats)
            throws IOException {
        if (repeats < 1) {
            throw new UserInputException("--repeats must be at least 1, got " + repeats);
        }
        FileStore store = new HadoopFileStore(spark.sparkContext().hadoopConfiguration());
        ClassStatistics reference = singleThread(kind.reader(), store, root, split);
        ClassStatistics distributed = withSpark(spark, kind, root, split);
        if (!reference.images().equals(distributed.images())) {
            throw new IllegalStateException("the Spark job and the single-threaded computation disagree on " + root);
        }
        double[] sparkSeconds = new double[repeats];
        double[] threadSeconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            withSpark(spark, kind, root, split);
            long t1 = System.nanoTime();
            singleThread(kind.reader(), store, root, split);
            long t2 = System.nanoTime();
            sparkSeconds[i] = (t1 - t0) / 1e9;
            threadSeconds[i] = (t2 - t1) / 1e9;
        }
        return new Result(reference.images().size(), spark.sparkContext().master(), repeats, median(sparkSeconds),
                median(threadSeconds));
    }

    /** The statistics as {@code cluda stats} computes them (bad samples fail the run). */
    static ClassStatistics withSpark(SparkSession spark, DatasetKind kind, String root, String split) throws IOException {
        ClassStatisticsJob.Result result = new ClassStatisticsJob(spark).compute(kind, root, split, BadSamplePolicy.FAIL);
        return result.statistics();
    }

    /** The statistics computed on this thread: each sample decoded in id order, as training would without the files. */
    static ClassStatistics singleThread(PairedDatasetReader reader, FileStore store, String root, String split)
            throws IOException {
        List<ImageClassCounts> counts = new ArrayList<>();
        for (SampleRef ref : reader.scan(store, root, split).requireComplete()) {
            counts.add(ImageClassCounts.of(UdaDataSampler.rcsKey(ref), reader.read(store, ref).trainIds()));
        }
        return ClassStatistics.of(counts);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
