package dev.cluda.jobs;

import ai.djl.ndarray.NDManager;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.PngCodec;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleLoader;
import dev.cluda.data.SampleRef;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.model.ModelSpec;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * {@code cluda pseudo-labels}: teacher inference over a target split on Spark executors
 * (reference §2.2), writing per image {@code <id>_pseudo.png} and {@code <id>_conf.png}, then
 * {@code summary.json} and, last, {@code pseudo_labels.json} ({@link PseudoLabelManifest}).
 *
 * <p>The driver indexes the split and resolves the checkpoint; each partition leases the model
 * from {@link ExecutorModels#shared()} (one load per executor JVM), labels its images with
 * {@link ImageLabeler}, writes their PNGs atomically (a retried task rewrites them whole) and
 * returns its {@link PseudoLabelStats}; the driver sums them.
 */
public final class PseudoLabelJob {

    /**
     * What to pseudo-label.
     *
     * @param inferenceSize {width, height} of inference (multiples of 32) or null for the image size
     * @param kind the dataset layout, {@code root} its resolved root
     * @param onBadSample what an unreadable image or a missing label does (reference §8.2)
     * @param threshold confidence threshold τ of the summary (reference §2.2)
     * @param partitions Spark partitions, 0 for the default parallelism
     */
    public record Request(CheckpointLocation checkpoint, CheckpointWeights weights, ModelSpec model,
                          int[] inferenceSize, DatasetKind kind, String root, String split,
                          BadSamplePolicy onBadSample, double threshold, String outDir, int partitions) {

        public Request {
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(onBadSample, "onBadSample");
            Objects.requireNonNull(outDir, "outDir");
            inferenceSize = inferenceSize == null ? null : inferenceSize.clone();
            new ImageLabeler(inferenceSize); // validates the size
            new PseudoLabelStats(model.numClasses(), threshold); // validates the threshold
        }
    }

    /** What the job wrote: the manifest, the summed statistics and the two JSON files' paths. */
    public record Result(PseudoLabelManifest manifest, PseudoLabelStats stats, String summaryPath,
                         String manifestPath) {
    }

    private PseudoLabelJob() {
    }

    /**
     * Runs the job. {@code store} is the driver's; executors build theirs from the session's Hadoop
     * configuration.
     *
     * @throws IllegalArgumentException if the split has no images
     * @throws IOException naming the file, for a bad image under {@code data.onBadSample = fail}
     */
    public static Result run(SparkSession spark, FileStore store, Request request) throws IOException {
        // Target images need no label to be pseudo-labelled (new camera data has none); where a
        // label exists, the summary also scores the pseudo-labels against it.
        List<SampleRef> refs = request.kind().reader().scan(store, request.root(), request.split()).allImages();
        if (refs.isEmpty()) {
            throw new IllegalArgumentException("no usable images in split \"" + request.split() + "\" below "
                    + request.root() + "; check data.target.* and --split");
        }
        PartitionWork work = new PartitionWork(request, ModelKey.of(request.checkpoint().checkpoint(),
                request.weights(), request.model()),
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
        PseudoLabelStats stats = ImageShards.run(() -> ImageShards.distribute(spark, refs, request.partitions())
                .mapPartitions(work)
                .reduce(PseudoLabelStats::merge));
        String summary = PseudoLabelSummary.write(store, request.outDir(), stats, request.checkpoint().iteration());
        int[] size = request.inferenceSize();
        PseudoLabelManifest manifest = new PseudoLabelManifest(PseudoLabelManifest.FORMAT_VERSION,
                request.checkpoint().checkpoint(), request.checkpoint().iteration(), request.weights().partName(),
                request.threshold(), size == null ? 0 : size[0], size == null ? 0 : size[1],
                request.kind().configName(), request.root(), request.split(), request.model().numClasses(),
                stats.images());
        manifest.write(store, request.outDir());
        return new Result(manifest, stats, summary, store.resolve(request.outDir(), PseudoLabelManifest.FILE_NAME));
    }

    /** One partition on an executor: lease the model, label, write, count. */
    private static final class PartitionWork implements FlatMapFunction<Iterator<ImageTask>, PseudoLabelStats> {

        private static final long serialVersionUID = 1L;

        private final ModelKey key;
        private final int[] inferenceSize;
        private final DatasetKind kind;
        private final BadSamplePolicy onBadSample;
        private final double threshold;
        private final String outDir;
        private final SerializableConfiguration hadoop;

        PartitionWork(Request request, ModelKey key, SerializableConfiguration hadoop) {
            this.key = key;
            this.inferenceSize = request.inferenceSize();
            this.kind = request.kind();
            this.onBadSample = request.onBadSample();
            this.threshold = request.threshold();
            this.outDir = request.outDir();
            this.hadoop = hadoop;
        }

        @Override
        public Iterator<PseudoLabelStats> call(Iterator<ImageTask> images) throws IOException {
            PseudoLabelStats stats = new PseudoLabelStats(key.numClasses(), threshold);
            if (!images.hasNext()) {
                return List.of(stats).iterator();
            }
            FileStore store = new HadoopFileStore(hadoop.value());
            SampleLoader loader = new SampleLoader(kind.reader(), store, onBadSample);
            ImageLabeler labeler = new ImageLabeler(inferenceSize);
            try (ExecutorModels.Lease lease = ExecutorModels.shared().acquire(key, store);
                 NDManager manager = NDManager.newBaseManager()) {
                while (images.hasNext()) {
                    ImageTask task = images.next();
                    Optional<Sample> sample = loader.read(task.ref());
                    if (sample.isEmpty()) {
                        stats.addSkipped();
                        continue;
                    }
                    PseudoLabel label = lease.infer(model -> labeler.label(model, manager, sample.get().image()));
                    store.writeAtomically(store.resolve(outDir, PseudoLabelManifest.labelFile(task.id())),
                            PngCodec.toBytes(out -> PngCodec.writeGray8(label.trainIds(), out)));
                    store.writeAtomically(store.resolve(outDir, PseudoLabelManifest.confidenceFile(task.id())),
                            PngCodec.toBytes(out -> PngCodec.writeGray8(label.quantizedConfidence(), out)));
                    stats.add(label, sample.get().trainIds());
                }
            }
            return List.of(stats).iterator();
        }
    }
}
