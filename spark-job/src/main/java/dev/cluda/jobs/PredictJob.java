package dev.cluda.jobs;

import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.RgbImage;
import dev.cluda.data.Sample;
import dev.cluda.error.UserInputException;
import dev.cluda.eval.PredictionOverlay;
import dev.cluda.eval.PredictionScorer;
import dev.cluda.eval.SegmentationEvaluator;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.Serializable;
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
