package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.io.OutputDirectory;
import dev.cluda.jobs.CheckpointInference;
import dev.cluda.jobs.CheckpointLocation;
import dev.cluda.jobs.CheckpointWeights;
import dev.cluda.jobs.SparkSessions;
import dev.cluda.jobs.PseudoLabelJob;
import dev.cluda.jobs.PseudoLabelStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluda pseudo-labels}: the teacher's pseudo-labels and confidences for every image of the
 * target split, computed on Spark executors ({@link PseudoLabelJob}).
 */
@Command(name = "pseudo-labels", mixinStandardHelpOptions = true,
        description = "Precompute pseudo-labels (train-id and confidence PNGs, summary.json, pseudo_labels.json) "
                + "for the target dataset with a checkpoint's teacher, on Spark.")
final class PseudoLabelsCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    CheckpointJobOptions job;

    @Option(names = "--split", paramLabel = "NAME",
            description = "target split to label (default: data.target.split of the configuration)")
    String split;

    @Option(names = "--weights", defaultValue = "teacher", paramLabel = "teacher|student",
            description = "network of the checkpoint to run (default: ${DEFAULT-VALUE})")
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
        DatasetConfig target = config.data().target();
        DatasetConfig.ResolvedDataset dataset = target.resolve(false);
        String outDir = CheckpointLocation.absolute(job.out);
        OutputDirectory.prepare(store, outDir, job.overwrite ? OutputDirectory.IfExists.OVERWRITE
                : OutputDirectory.IfExists.FAIL, false);
        String root = CheckpointLocation.absolute(dataset.root());
        CheckpointInference inference = new CheckpointInference(location, which, config.model().spec(),
                config.eval().size(), dataset.kind(), root, split == null ? target.split() : split,
                config.data().onBadSample(), job.partitions, config.hrda().inference());
        PseudoLabelJob.Request request = new PseudoLabelJob.Request(inference, config.uda().pseudoThreshold(), outDir);
        long start = System.nanoTime();
        PseudoLabelJob.Result result;
        try (SparkSessions.Lease session = SparkSessions.open(null, "cluda pseudo-labels")) {
            result = PseudoLabelJob.run(session.session(), store, request);
        }
        PseudoLabelStats stats = result.stats();
        PrintWriter console = spec.commandLine().getOut();
        double miou = stats.labelledImages() == 0 ? Double.NaN : 100 * stats.confusion().meanIou();
        console.printf(Locale.ROOT, "pseudo-labels: %d images (%d skipped), mean confidence %.3f, %.1f %% of pixels "
                        + "with p >= %s, mIoU %.2f against %d ground-truth images, wrote %s in %.1f s%n",
                stats.images(), stats.skippedImages(), stats.meanConfidence(), 100 * stats.fractionAboveThreshold(),
                stats.threshold(), miou, stats.labelledImages(), job.out, (System.nanoTime() - start) / 1e9);
        console.flush();
        return 0;
    }
}
