package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.data.DatasetKind;
import dev.cluda.error.UserInputException;
import dev.cluda.eval.ClassTable;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.PredictionScorer;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.CheckpointInference;
import dev.cluda.jobs.CheckpointLocation;
import dev.cluda.jobs.CheckpointWeights;
import dev.cluda.jobs.DistributedEvalJob;
import dev.cluda.jobs.SparkSessions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluda eval}: writes {@code eval.json} (reference §9) either by scoring a folder of
 * predicted train-id PNGs ({@code --pred DIR}) or by running a checkpoint's model on Spark
 * executors and summing their confusion matrices ({@code --checkpoint RUN_DIR_OR_CKPT},
 * {@link DistributedEvalJob}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Score predicted train-id PNGs (--pred) or a checkpoint's model on Spark (--checkpoint) "
                + "against ground truth; print per-class IoU and write eval.json.")
final class EvalCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--pred", required = true, paramLabel = "DIR",
                description = "folder of predicted train-id PNGs, each named like its image "
                        + "(e.g. frankfurt_000000_000294_leftImg8bit.png)")
        String predictions;

        @Option(names = "--checkpoint", required = true, paramLabel = "RUN_DIR_OR_CKPT",
                description = "run directory (its checkpoints/latest) or iter_*.ckpt file: evaluate its model on Spark")
        String checkpoint;
    }

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--dataset", paramLabel = "KIND",
            description = "gta5 | synthia | cityscapes (required with --pred; with --checkpoint the configuration's "
                    + "data.target by default)")
    String dataset;

    @Option(names = "--root", paramLabel = "DIR",
            description = "dataset root, local path or Hadoop URI (required with --pred; with --checkpoint the "
                    + "configuration's data.target by default)")
    String root;

    @Option(names = "--split", paramLabel = "NAME",
            description = "split to score (default: val; with --checkpoint data.target.evalSplit of the configuration)")
    String split;

    @Option(names = "--weights", defaultValue = "student", paramLabel = "student|teacher",
            description = "with --checkpoint: the network to evaluate (default: ${DEFAULT-VALUE}, as training does)")
    String weights;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
            description = "with --checkpoint: Spark partitions (default: Spark's default parallelism)")
    int partitions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where eval.json is written")
    String out;

    @Option(names = "--overwrite", description = "replace an existing eval.json in --out")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FileStore store = HadoopFileStore.forDriver();
        String target = store.resolve(out, EvalJson.FILE_NAME);
        if (store.exists(target) && !overwrite) {
            throw new UserInputException(target + " already exists; pass --overwrite to replace it or choose another --out");
        }
        long start = System.nanoTime();
        EvalResult result;
        ConfusionMatrix matrix = null;
        if (source.predictions != null) {
            if (configOptions.config != null || !configOptions.overrides.isEmpty()) {
                throw new UserInputException("--config and --set apply only with --checkpoint");
            }
            if (dataset == null || root == null) {
                throw new UserInputException("--pred needs --dataset and --root");
            }
            result = new PredictionScorer(DatasetKind.parse(dataset).reader(), store)
                    .score(root, split == null ? "val" : split, source.predictions);
        } else {
            DistributedEvalJob.Result r = evaluateCheckpoint(store);
            result = r.eval();
            matrix = r.matrix();
        }
        EvalJson.write(store, target, result);
        PrintWriter console = spec.commandLine().getOut();
        console.println(matrix == null ? ClassTable.format(result) : ClassTable.format(result, matrix));
        console.printf(Locale.ROOT, "eval: %d images, mIoU %.2f, wrote %s in %.1f s%n", result.numImages(),
                result.mIoU(), target, (System.nanoTime() - start) / 1e9);
        console.flush();
        return 0;
    }

    private DistributedEvalJob.Result evaluateCheckpoint(FileStore store) throws Exception {
        CheckpointWeights which = CheckpointWeights.parse(weights);
        if ((dataset == null) != (root == null)) {
            throw new UserInputException("give --dataset and --root together, or neither to "
                    + "evaluate the configuration's data.target");
        }
        ConfigOptions.CheckpointAndConfig resolved = configOptions.forCheckpoint(store, source.checkpoint);
        CheckpointLocation location = resolved.location();
        CludaConfig config = resolved.config();
        CheckpointInference request = DistributedEvalJob.request(location, config, which,
                dataset == null ? null : DatasetKind.parse(dataset), root, split, partitions);
        try (SparkSessions.Lease session = SparkSessions.open(null, "cluda eval")) {
            return DistributedEvalJob.run(session.session(), store, request);
        }
    }
}
