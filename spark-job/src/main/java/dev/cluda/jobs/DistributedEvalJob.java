package dev.cluda.jobs;

import ai.djl.ndarray.NDManager;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleLoader;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.model.ModelSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * {@code cluda eval --checkpoint}: whole-image evaluation (reference §9) on Spark executors. Each
 * partition leases the model from {@link ExecutorModels#shared()}, runs
 * {@link SegmentationEvaluator#accumulate} on its images (the code the trainer evaluates with) and
 * returns its confusion matrix as a long array ({@link ConfusionMatrix#toLongArray()} followed by
 * the image and skipped counts); the arrays are summed with {@code treeAggregate}. Sums of counts
 * are exact, so the result equals a single-process evaluation of the same checkpoint.
 */
public final class DistributedEvalJob {

    /**
     * What to evaluate.
     *
     * @param weights the network to evaluate; the trainer evaluates the student (reference §2.1)
     * @param inferenceSize {width, height} of inference ({@code eval.size}) or null for the image size
     * @param partitions Spark partitions, 0 for the default parallelism
     */
    public record Request(CheckpointLocation checkpoint, CheckpointWeights weights, ModelSpec model,
                          int[] inferenceSize, DatasetKind kind, String root, String split,
                          BadSamplePolicy onBadSample, int partitions) {

        public Request {
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(onBadSample, "onBadSample");
            inferenceSize = inferenceSize == null ? null : inferenceSize.clone();
            new SegmentationEvaluator(inferenceSize); // validates the size
        }
    }

    /**
     * The evaluation: {@code eval.json}'s content (its {@code iter} is the checkpoint's iteration),
     * the summed matrix, and the images left out under {@code data.onBadSample = skip}.
     */
    public record Result(EvalResult eval, ConfusionMatrix matrix, long skippedImages) {
    }

    private DistributedEvalJob() {
    }

    /**
     * Runs the evaluation.
     *
     * @throws IllegalArgumentException if the split has no images or an image has no label
     * @throws IOException naming the file, for a bad sample under {@code data.onBadSample = fail}
     */
    public static Result run(SparkSession spark, FileStore store, Request request) throws IOException {
        SampleLoader loader = new SampleLoader(request.kind().reader(), store, request.onBadSample());
        List<SampleRef> refs = loader.index(request.root(), request.split());
        if (refs.isEmpty()) {
            throw new IllegalArgumentException("no samples in split \"" + request.split() + "\" below "
                    + request.root() + "; check the dataset root and split name");
        }
        int classes = request.model().numClasses();
        int length = classes * classes + classes;
        PartitionWork work = new PartitionWork(request, ModelKey.of(request.checkpoint().checkpoint(),
                request.weights(), request.model()),
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
        long[] sums = ImageShards.run(() -> ImageShards.distribute(spark, refs, request.partitions())
                .mapPartitions(work)
                .treeAggregate(new long[length + 2], DistributedEvalJob::addInto, DistributedEvalJob::addInto));
        ConfusionMatrix matrix = ConfusionMatrix.fromLongArray(classes, Arrays.copyOf(sums, length));
        long images = sums[length];
        long skipped = sums[length + 1] + loader.log().skippedCount();
        EvalResult eval = EvalResult.of((int) request.checkpoint().iteration(), images, matrix);
        return new Result(eval, matrix, skipped);
    }

    private static long[] addInto(long[] into, long[] other) {
        for (int i = 0; i < into.length; i++) {
            into[i] += other[i];
        }
        return into;
    }

    /** One partition: {@code [matrix (C*C + C), images, skipped]}. */
    private static final class PartitionWork implements FlatMapFunction<Iterator<ImageTask>, long[]> {

        private static final long serialVersionUID = 1L;

        private final ModelKey key;
        private final int[] inferenceSize;
        private final DatasetKind kind;
        private final BadSamplePolicy onBadSample;
        private final SerializableConfiguration hadoop;

        PartitionWork(Request request, ModelKey key, SerializableConfiguration hadoop) {
            this.key = key;
            this.inferenceSize = request.inferenceSize();
            this.kind = request.kind();
            this.onBadSample = request.onBadSample();
            this.hadoop = hadoop;
        }

        @Override
        public Iterator<long[]> call(Iterator<ImageTask> images) throws IOException {
            ConfusionMatrix matrix = new ConfusionMatrix(key.numClasses());
            long evaluated = 0;
            long skipped = 0;
            if (images.hasNext()) {
                FileStore store = new HadoopFileStore(hadoop.value());
                SampleLoader loader = new SampleLoader(kind.reader(), store, onBadSample);
                SegmentationEvaluator evaluator = new SegmentationEvaluator(inferenceSize);
                try (ExecutorModels.Lease lease = ExecutorModels.shared().acquire(key, store);
                     NDManager manager = NDManager.newBaseManager()) {
                    while (images.hasNext()) {
                        Optional<Sample> sample = loader.read(images.next().ref());
                        if (sample.isEmpty()) {
                            skipped++;
                            continue;
                        }
                        lease.infer(model -> {
                            evaluator.accumulate(model, manager, sample.get(), matrix);
                            return null;
                        });
                        evaluated++;
                    }
                }
            }
            long[] flat = matrix.toLongArray();
            long[] out = Arrays.copyOf(flat, flat.length + 2);
            out[flat.length] = evaluated;
            out[flat.length + 1] = skipped;
            return List.of(out).iterator();
        }
    }
}
