package dev.cluda.jobs;

import dev.cluda.config.CludaConfig;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.RgbImage;
import dev.cluda.data.Sample;
import dev.cluda.error.UserInputException;
import dev.cluda.eval.PredictionOverlay;
import dev.cluda.eval.PredictionScorer;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import dev.cluda.io.OutputDirectory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * {@code cluda predict}: a checkpoint's network over images on Spark executors, a
 * {@link CheckpointInference} over every image of its {@link InferenceImages} (image files, for the
 * command), writing per image into the output folder
 * <ul>
 *   <li>{@code <name>.png}: the train ids (0..18) as an 8-bit gray PNG at the image's size, named
 *       as {@code cluda eval --pred} looks for it ({@link PredictionScorer#predictionFileName}: a
 *       PNG image's own name, {@code photo.jpg} as {@code photo.png});</li>
 *   <li>{@code overlay/<name>.png}: the image blended with the Cityscapes palette above a legend
 *       of the classes present ({@link PredictionOverlay}).</li>
 * </ul>
 * The prediction is the evaluator's ({@link ImageInference}; reference §9: whole-image inference at
 * {@code eval.size}, and for a multi-resolution checkpoint HRDA's sliding window), so predicting a
 * labelled split and scoring it with {@code cluda eval --pred} gives what {@code cluda eval
 * --checkpoint} gives. Each file is written atomically, so a retried task rewrites it whole.
 */
public final class PredictJob {

    /** The folder below the output folder that holds the overlays. */
    public static final String OVERLAY_DIR = "overlay";

    /**
     * What to predict.
     *
     * @param inference the checkpoint, its student or teacher, and the images
     * @param outDir the output folder ({@code --out})
     */
    public record Request(CheckpointInference inference, String outDir) {

        public Request {
            Objects.requireNonNull(inference, "inference is required");
            Objects.requireNonNull(outDir, "output folder is required: pass --out DIR");
        }
    }

    /** Images predicted, and images left out as unreadable under {@code data.onBadSample = skip}. */
    public record Result(long images, long skippedImages) {
    }

    private PredictJob() {
    }

    /**
     * The request of {@code cluda predict}, checked, with its output folder prepared: the
     * {@code weights} network of the checkpoint, built and run as {@code config} says, over the
     * images at {@code input} (a file, or a folder or URI prefix searched recursively), into
     * {@code out}. Relative local paths are made absolute, so executors open what the driver checked.
     *
     * @param overwrite delete a non-empty {@code out} first ({@code --overwrite}) instead of refusing it
     * @param partitions Spark partitions, 0 for Spark's default parallelism
     * @throws FileNotFoundException if {@code input} does not exist
     * @throws UserInputException if {@code input} lies inside {@code out} (which {@code overwrite}
     *     would delete, and where the predictions would land among the inputs), or if {@code out}
     *     holds files and {@code overwrite} is false
     */
    public static Request prepare(FileStore store, CheckpointLocation checkpoint, CludaConfig config,
                                  CheckpointWeights weights, String input, String out, boolean overwrite,
                                  int partitions) throws IOException {
        String images = CheckpointLocation.absolute(input);
        String outDir = CheckpointLocation.absolute(out);
        checkInput(store, images, outDir);
        OutputDirectory.prepare(store, outDir, overwrite ? OutputDirectory.IfExists.OVERWRITE
                : OutputDirectory.IfExists.FAIL, false);
        CheckpointInference inference = new CheckpointInference(checkpoint, weights, config.model().spec(),
                config.eval().size(), new InferenceImages.Files(images), config.data().onBadSample(), partitions,
                config.hrda().inference());
        return new Request(inference, outDir);
    }

    /**
     * Refuses, before {@code --out} is touched, an input that does not exist and one inside
     * {@code --out}, which {@code --overwrite} would delete and whose predictions would land among the inputs.
     */
    private static void checkInput(FileStore store, String images, String outDir) throws IOException {
        if (!store.exists(images)) {
            throw new FileNotFoundException("--input " + images + " does not exist");
        }
        String in = comparable(images);
        String dir = comparable(outDir);
        if (in.equals(dir) || in.startsWith(dir.endsWith("/") ? dir : dir + "/")) {
            throw new UserInputException("--input " + images + " is inside --out " + outDir
                    + "; write the predictions to another folder");
        }
    }

    /** {@code path} as scheme, authority and path, a plain local path as a {@code file:} URI's. */
    private static String comparable(String path) {
        URI uri = new org.apache.hadoop.fs.Path(path).toUri();
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme + "://" + (uri.getAuthority() == null ? "" : uri.getAuthority()) + uri.getPath();
    }

    /**
     * Runs the job. {@code store} is the driver's; executors build theirs from the session's Hadoop
     * configuration.
     *
     * @throws IllegalArgumentException naming the path if there are no images, or naming an image the
     *     network cannot run on at its own size
     * @throws IOException naming the file, for an unreadable image under {@code data.onBadSample = fail}
     */
    public static Result run(SparkSession spark, FileStore store, Request request) throws IOException {
        CheckpointInference inference = request.inference();
        Counts counts = inference.run(spark, store, CheckpointInference.Images.ALL,
                new Predict(request.outDir(), inference.inferenceSize() == null),
                rdd -> rdd.reduce(Counts::add)).value();
        return new Result(counts.images, counts.skipped);
    }

    /** A partition's counts, then their sums. */
    private static final class Counts implements Serializable {

        private static final long serialVersionUID = 1L;

        long images;
        long skipped;

        Counts add(Counts other) {
            images += other.images;
            skipped += other.skipped;
            return this;
        }
    }

    /**
     * Per image: predict, write both PNGs, count.
     *
     * @param ownSize whether the network runs at each image's own size ({@code eval.size} unset)
     */
    private record Predict(String outDir, boolean ownSize) implements CheckpointInference.PartitionWork<Counts> {

        @Override
        public Counts start() {
            return new Counts();
        }

        @Override
        public void add(Counts counts, Sample sample, ImageInference inference, FileStore store) throws IOException {
            RgbImage image = sample.image();
            if (ownSize) {
                requireStrideMultiple(image, sample.ref().imagePath());
            }
            LabelMap trainIds = inference.predict(image);
            String name = PredictionScorer.predictionFileName(sample.ref());
            store.writeAtomically(store.resolve(outDir, name),
                    PngCodec.toBytes(out -> PngCodec.writeGray8(trainIds, out)));
            store.writeAtomically(store.resolve(store.resolve(outDir, OVERLAY_DIR), name),
                    PngCodec.toBytes(out -> PngCodec.writeRgb(PredictionOverlay.render(image, trainIds), out)));
            counts.images++;
        }

        @Override
        public void skip(Counts counts) {
            counts.skipped++;
        }
    }

    /**
     * At its own size, the network runs only on images whose sides are multiples of the encoder's
     * stride (the evaluator refuses others); say so naming the image, and the size to set instead.
     */
    private static void requireStrideMultiple(RgbImage image, String path) {
        int stride = SegmentationEvaluator.STRIDE;
        if (image.width() % stride == 0 && image.height() % stride == 0) {
            return;
        }
        int w = Math.max(stride, Math.round(image.width() / (float) stride) * stride);
        int h = Math.max(stride, Math.round(image.height() / (float) stride) * stride);
        throw new UserInputException(String.format(Locale.ROOT, "%s is %dx%d, and with eval.size unset the network "
                + "runs at each image's own size, which must be a multiple of %d; set an inference size, e.g. "
                + "--set eval.size=[%d,%d] (predictions are upsampled back to each image's size)",
                path, image.width(), image.height(), stride, w, h));
    }
}
