package dev.cluda.jobs;

import dev.cluda.error.UserInputException;
import dev.cluda.eval.SegmentationEvaluator;
import ai.djl.ndarray.NDManager;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleLoader;
import dev.cluda.data.SampleRef;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.model.ModelSpec;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * One network of one checkpoint run over images on Spark executors: what
 * {@code cluda eval --checkpoint} ({@link DistributedEvalJob}), {@code cluda pseudo-labels}
 * ({@link PseudoLabelJob}) and {@code cluda predict} ({@link PredictJob}) share, validated once
 * here, and the run they share ({@link #run}).
 *
 * <p>The driver lists the images (a dataset split, or image files) and shards them into
 * partitions; each partition leases the model from {@link ExecutorModels#shared()} (one load per
 * executor JVM), reads its images under the bad-sample policy and hands each readable one, with
 * the partition's {@link ImageInference}, to the job's {@link PartitionWork}; the job reduces the
 * partitions' results.
 *
 * @param checkpoint the checkpoint file, resolved on the driver ({@code --checkpoint})
 * @param weights the network to run ({@code --weights}): the student for evaluation, the teacher
 *     for pseudo-labels (reference §2.1, §2.2)
 * @param model the network's architecture ({@code model.*}), as the checkpoint was trained
 * @param inferenceSize {width, height} of inference ({@code eval.size}, positive multiples of 32)
 *     or null for each image's own size
 * @param images the images: a dataset split or image files
 * @param onBadSample what an unreadable image or a missing label does ({@code data.onBadSample}, reference §8.2)
 * @param partitions Spark partitions ({@code --partitions}), 0 for Spark's default parallelism
 * @param multiResolution HRDA's sliding-window inference for a multi-resolution checkpoint
 *     ({@code hrda.*} of its configuration), or null for whole-image inference
 */
public record CheckpointInference(CheckpointLocation checkpoint, CheckpointWeights weights, ModelSpec model,
                                  int[] inferenceSize, InferenceImages images, BadSamplePolicy onBadSample,
                                  int partitions, SegmentationEvaluator.MultiResolution multiResolution) {

    /** Over a split of a dataset, {@code kind} below {@code root}. */
    public CheckpointInference(CheckpointLocation checkpoint, CheckpointWeights weights, ModelSpec model,
                               int[] inferenceSize, DatasetKind kind, String root, String split,
                               BadSamplePolicy onBadSample, int partitions,
                               SegmentationEvaluator.MultiResolution multiResolution) {
        this(checkpoint, weights, model, inferenceSize, new InferenceImages.DatasetSplit(kind, root, split),
                onBadSample, partitions, multiResolution);
    }

    /** Whole-image inference over a split of a dataset. */
    public CheckpointInference(CheckpointLocation checkpoint, CheckpointWeights weights, ModelSpec model,
                               int[] inferenceSize, DatasetKind kind, String root, String split,
                               BadSamplePolicy onBadSample, int partitions) {
        this(checkpoint, weights, model, inferenceSize, kind, root, split, onBadSample, partitions, null);
    }

    /** The encoder's output stride: inference sizes must be multiples of it (reference §9). */
    private static final int STRIDE = 32;

    public CheckpointInference {
        Objects.requireNonNull(checkpoint, "checkpoint is required: pass --checkpoint RUN_DIR_OR_CKPT");
        Objects.requireNonNull(weights, "weights are required: pass --weights student|teacher");
        Objects.requireNonNull(model, "model is required: the configuration's model.* builds it");
        Objects.requireNonNull(images, "images are required: a dataset split or --input");
        Objects.requireNonNull(onBadSample, "bad-sample policy is required: set data.onBadSample = fail | skip");
        if (inferenceSize != null && (inferenceSize.length != 2 || inferenceSize[0] <= 0 || inferenceSize[1] <= 0
                || inferenceSize[0] % STRIDE != 0 || inferenceSize[1] % STRIDE != 0)) {
            throw new UserInputException("eval.size must be [width, height] in positive multiples of " + STRIDE
                    + " (the encoder's stride), got " + Arrays.toString(inferenceSize)
                    + "; fix eval.size or leave it unset to infer at each image's own size");
        }
        if (partitions < 0) {
            throw new UserInputException("--partitions must be >= 0 (0: Spark's default parallelism), got "
                    + partitions);
        }
        inferenceSize = inferenceSize == null ? null : inferenceSize.clone();
    }

    /** {width, height} of inference, or null for each image's own size (a copy). */
    @Override
    public int[] inferenceSize() {
        return inferenceSize == null ? null : inferenceSize.clone();
    }

    /** What executors load: {@link #weights} of the checkpoint file, built as {@link #model}. */
    public ModelKey modelKey() {
        return ModelKey.of(checkpoint.checkpoint(), weights, model);
    }

    /**
     * Which of the {@link #images} a job runs on, and what it says when there are none (image files
     * have no labels: {@link #ALL} of them; their reader names the path itself when it finds none).
     */
    enum Images {
        /** Images with a label (evaluation); one without is a bad sample under {@code data.onBadSample}. */
        LABELLED("no samples in split \"%s\" below %s; check the dataset root and split name"),
        /** Every image, labelled or not: pseudo-labels are for new camera data, which has no labels. */
        ALL("no usable images in split \"%s\" below %s; check data.target.* and --split");

        private final String noneMessage;

        Images(String noneMessage) {
            this.noneMessage = noneMessage;
        }
    }

    /**
     * What a job does with the images of one partition, on an executor. Spark ships it to the
     * executors, so it holds only serializable values (no model, no store).
     *
     * @param <R> the partition's result, mutable while the partition runs
     */
    interface PartitionWork<R> extends Serializable {

        /** The partition's empty result; also the whole result of a partition without images. */
        R start();

        /**
         * One readable image: infer with {@code inference} (the only way to reach the model) and
         * add to {@code result}; {@code store} is the executor's, for what the job writes.
         */
        void add(R result, Sample sample, ImageInference inference, FileStore store) throws IOException;

        /** One image the bad-sample policy left out ({@code data.onBadSample = skip}). */
        void skip(R result);
    }

    /**
     * What {@link #run} returns.
     *
     * @param value what the job's action made of the partitions' results
     * @param skippedWhileIndexing images left out on the driver before sharding (labelled images
     *     missing their label under {@code data.onBadSample = skip}; 0 for {@link Images#ALL})
     */
    record Run<T>(T value, long skippedWhileIndexing) {
    }

    /**
     * Lists {@code which} of the {@link #images} on the driver, shards them into partitions, runs
     * {@code work} on every partition and applies {@code action} (a Spark action reducing the
     * partitions' results, one per partition) on the driver. {@code store} is the driver's;
     * executors build theirs from the session's Hadoop configuration.
     *
     * @throws IllegalArgumentException if there are no such images, or a task failed on a bad argument
     * @throws IOException naming the file, for a bad sample under {@code data.onBadSample = fail}
     */
    <R, T> Run<T> run(SparkSession spark, FileStore store, Images which, PartitionWork<R> work,
                      Function<JavaRDD<R>, T> action) throws IOException {
        SampleLoader loader = new SampleLoader(images.reader(), store, onBadSample);
        List<SampleRef> refs = switch (which) {
            case LABELLED -> loader.index(images.root(), images.split());
            case ALL -> images.reader().scan(store, images.root(), images.split()).allImages();
        };
        if (refs.isEmpty()) {
            throw new UserInputException(String.format(which.noneMessage, images.split(), images.root()));
        }
        Partition<R> partition = new Partition<>(this, work,
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
        T value = ImageShards.run(() -> action.apply(ImageShards.distribute(spark, refs, partitions)
                .mapPartitions(partition)));
        return new Run<>(value, loader.log().skippedCount());
    }

    /** One partition on an executor: lease the model, read each image, hand it to the job's work. */
    private static final class Partition<R> implements FlatMapFunction<Iterator<ImageTask>, R> {

        private static final long serialVersionUID = 1L;

        private final ModelKey key;
        private final int[] inferenceSize;
        private final SegmentationEvaluator.MultiResolution multiResolution;
        private final InferenceImages images;
        private final BadSamplePolicy onBadSample;
        private final PartitionWork<R> work;
        private final SerializableConfiguration hadoop;

        Partition(CheckpointInference request, PartitionWork<R> work, SerializableConfiguration hadoop) {
            this.key = request.modelKey();
            this.inferenceSize = request.inferenceSize();
            this.multiResolution = request.multiResolution();
            this.images = request.images();
            this.onBadSample = request.onBadSample();
            this.work = work;
            this.hadoop = hadoop;
        }

        @Override
        public Iterator<R> call(Iterator<ImageTask> tasks) throws IOException {
            R result = work.start();
            if (!tasks.hasNext()) {
                return List.of(result).iterator();
            }
            FileStore store = new HadoopFileStore(hadoop.value());
            SampleLoader loader = new SampleLoader(images.reader(), store, onBadSample);
            try (ExecutorModels.Lease lease = ExecutorModels.shared().acquire(key, store);
                 NDManager manager = NDManager.newBaseManager()) {
                ImageInference inference = new ImageInference(lease, manager, inferenceSize, multiResolution);
                while (tasks.hasNext()) {
                    Optional<Sample> sample = loader.read(tasks.next().ref());
                    if (sample.isEmpty()) {
                        work.skip(result);
                    } else {
                        work.add(result, sample.get(), inference, store);
                    }
                }
            }
            return List.of(result).iterator();
        }
    }
}
