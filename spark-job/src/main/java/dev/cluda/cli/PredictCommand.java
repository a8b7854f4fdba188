package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.error.UserInputException;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.jobs.CheckpointInference;
import dev.cluda.jobs.CheckpointLocation;
import dev.cluda.jobs.CheckpointWeights;
import dev.cluda.jobs.InferenceImages;
import dev.cluda.jobs.PredictJob;
import dev.cluda.jobs.SparkSessions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluda predict}: a checkpoint's network over one image, a folder or a URI prefix of PNG
 * and JPEG files, on Spark executors ({@link PredictJob}); writes train-id PNGs that
 * {@code cluda eval --pred} scores as they are, and colour overlays with a legend.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Segment images (one file, a folder or a URI prefix; PNG and JPEG) with a checkpoint on Spark: "
                + "train-id PNGs named like the images (scored by eval --pred) and overlay/ with a palette legend.")
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN_DIR_OR_CKPT",
            description = "run directory (its checkpoints/latest), or an iter_*.ckpt file")
    String checkpoint;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "an image file, or a folder or URI prefix searched recursively for *.png, *.jpg and *.jpeg")
    String input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (local path or Hadoop URI)")
    String out;

    @Option(names = "--weights", defaultValue = "student", paramLabel = "student|teacher",
            description = "network of the checkpoint to run (default: ${DEFAULT-VALUE}, the one evaluation scores)")
    String weights;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
            description = "Spark partitions (default: Spark's default parallelism)")
    int partitions;

    @Option(names = "--overwrite", description = "delete a non-empty --out first")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CheckpointWeights which = CheckpointWeights.parse(weights);
        FileStore store = HadoopFileStore.forDriver();
        CheckpointLocation location = CheckpointLocation.resolve(store, checkpoint);
        CludaConfig config = CludaConfig.from(location.loadConfig(store, configOptions.config, configOptions.overrides));
        String images = CheckpointLocation.absolute(input);
        String outDir = CheckpointLocation.absolute(out);
        checkInput(store, images, outDir);
        OutputDirectory.prepare(store, outDir, overwrite ? OutputDirectory.IfExists.OVERWRITE
                : OutputDirectory.IfExists.FAIL, false);
        CheckpointInference inference = new CheckpointInference(location, which, config.model().spec(),
                config.eval().size(), new InferenceImages.Files(images), config.data().onBadSample(), partitions,
                config.hrda().inference());
        long start = System.nanoTime();
        PredictJob.Result result;
        try (SparkSessions.Lease session = SparkSessions.open(null, "cluda predict")) {
            result = PredictJob.run(session.session(), store, new PredictJob.Request(inference, outDir));
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "predict: %d images (%d skipped) with the %s of iteration %d, wrote train-id PNGs "
                        + "to %s and overlays to %s in %.1f s%n", result.images(), result.skippedImages(),
                which.partName(), location.iteration(), outDir, store.resolve(outDir, PredictJob.OVERLAY_DIR),
                (System.nanoTime() - start) / 1e9);
        console.flush();
        return 0;
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
}
