package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.CheckpointLocation;
import dev.cluda.jobs.CheckpointWeights;
import dev.cluda.jobs.PredictJob;
import dev.cluda.jobs.SparkSessions;
import java.io.PrintWriter;
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

    @Mixin
    CheckpointJobOptions job;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "an image file, or a folder or URI prefix searched recursively for *.png, *.jpg and *.jpeg")
    String input;

    @Option(names = "--weights", defaultValue = "student", paramLabel = "student|teacher",
            description = "network of the checkpoint to run (default: ${DEFAULT-VALUE}, the one evaluation scores)")
    String weights;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CheckpointWeights which = CheckpointWeights.parse(weights);
        FileStore store = HadoopFileStore.forDriver();
        ConfigOptions.CheckpointAndConfig resolved = configOptions.forCheckpoint(store, job.checkpoint);
        CheckpointLocation location = resolved.location();
        CludaConfig config = resolved.config();
        PredictJob.Request request = PredictJob.prepare(store, location, config, which, input, job.out, job.overwrite,
                job.partitions);
        long start = System.nanoTime();
        PredictJob.Result result;
        try (SparkSessions.Lease session = SparkSessions.open(null, "cluda predict")) {
            result = PredictJob.run(session.session(), store, request);
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "predict: %d images (%d skipped) with the %s of iteration %d, wrote train-id PNGs "
                        + "to %s and overlays to %s in %.1f s%n", result.images(), result.skippedImages(),
                which.partName(), location.iteration(), request.outDir(),
                store.resolve(request.outDir(), PredictJob.OVERLAY_DIR),
                (System.nanoTime() - start) / 1e9);
        console.flush();
        return 0;
    }
}
