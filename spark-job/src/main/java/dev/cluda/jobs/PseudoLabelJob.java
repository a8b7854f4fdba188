package dev.cluda.jobs;

import dev.cluda.data.PngCodec;
import dev.cluda.data.Sample;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * {@code cluda pseudo-labels}: teacher inference over a target split on Spark executors
 * (reference §2.2), a {@link CheckpointInference} over every image of the split, writing per image
 * {@code <id>_pseudo.png} and {@code <id>_conf.png}, then {@code summary.json} and, last,
 * {@code pseudo_labels.json} ({@link PseudoLabelManifest}).
 *
 * <p>Each partition labels its images as {@link ImageLabeler} does, writes their PNGs atomically
 * (a retried task rewrites them whole) and returns its {@link PseudoLabelStats}; the driver sums them.
 */
public final class PseudoLabelJob {

    /**
     * What to pseudo-label.
     *
     * @param inference the checkpoint, its teacher or student, and the target split to run it on
     * @param threshold confidence threshold τ of the summary ({@code uda.pseudoThreshold}, reference §2.2)
     * @param outDir the output folder ({@code --out})
     */
    public record Request(CheckpointInference inference, double threshold, String outDir) {

        public Request {
            Objects.requireNonNull(inference, "inference is required");
            if (!(inference.images() instanceof InferenceImages.DatasetSplit)) {
                // the manifest records the dataset and split that training with precomputed labels reads
                throw new IllegalArgumentException("pseudo-labels are computed for a split of a dataset, got "
                        + inference.images());
            }
            Objects.requireNonNull(outDir, "output folder is required: pass --out DIR");
            new PseudoLabelStats(inference.model().numClasses(), threshold); // validates the threshold
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
        CheckpointInference inference = request.inference();
        InferenceImages.DatasetSplit target = (InferenceImages.DatasetSplit) inference.images();
        // Target images need no label to be pseudo-labelled (new camera data has none); where a
        // label exists, the summary also scores the pseudo-labels against it.
        PseudoLabelStats stats = inference.run(spark, store, CheckpointInference.Images.ALL,
                new Label(inference.model().numClasses(), request.threshold(), request.outDir()),
                rdd -> rdd.reduce(PseudoLabelStats::merge)).value();
        String summary = PseudoLabelSummary.write(store, request.outDir(), stats, inference.checkpoint().iteration());
        int[] size = inference.inferenceSize();
        PseudoLabelManifest manifest = new PseudoLabelManifest(PseudoLabelManifest.FORMAT_VERSION,
                inference.checkpoint().checkpoint(), inference.checkpoint().iteration(),
                inference.weights().partName(), request.threshold(), size == null ? 0 : size[0],
                size == null ? 0 : size[1], target.kind().configName(), target.root(), target.split(),
                inference.model().numClasses(), stats.images());
        manifest.write(store, request.outDir());
        return new Result(manifest, stats, summary, store.resolve(request.outDir(), PseudoLabelManifest.FILE_NAME));
    }

    /** Per image: label, write both PNGs, count. */
    private record Label(int classes, double threshold, String outDir)
            implements CheckpointInference.PartitionWork<PseudoLabelStats> {

        @Override
        public PseudoLabelStats start() {
            return new PseudoLabelStats(classes, threshold);
        }

        @Override
        public void add(PseudoLabelStats stats, Sample sample, ImageInference inference, FileStore store)
                throws IOException {
            PseudoLabel label = inference.label(sample.image());
            String id = sample.ref().id();
            store.writeAtomically(store.resolve(outDir, PseudoLabelManifest.labelFile(id)),
                    PngCodec.toBytes(out -> PngCodec.writeGray8(label.trainIds(), out)));
            store.writeAtomically(store.resolve(outDir, PseudoLabelManifest.confidenceFile(id)),
                    PngCodec.toBytes(out -> PngCodec.writeGray8(label.quantizedConfidence(), out)));
            stats.add(label, sample.trainIds());
        }

        @Override
        public void skip(PseudoLabelStats stats) {
            stats.addSkipped();
        }
    }
}
