package dev.cluda.cli;

import dev.cluda.data.DatasetKind;
import dev.cluda.eval.ClassTable;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.PredictionScorer;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluda eval --pred DIR}: scores a folder of predicted train-id PNGs (one per image, named
 * like the image) against a dataset's ground truth and writes {@code eval.json} (reference §9).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Score predicted train-id PNGs against ground truth; print per-class IoU and write eval.json.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--pred", required = true, paramLabel = "DIR",
            description = "folder of predicted train-id PNGs, each named like its image (e.g. frankfurt_000000_000294_leftImg8bit.png)")
    String predictions;

    @Option(names = "--dataset", required = true, paramLabel = "KIND", description = "gta5 | synthia | cityscapes")
    String dataset;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "dataset root (local path or Hadoop URI)")
    String root;

    @Option(names = "--split", defaultValue = "val", description = "split to score (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where eval.json is written")
    String out;

    @Option(names = "--overwrite", description = "replace an existing eval.json in --out")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DatasetKind kind = DatasetKind.parse(dataset);
        FileStore store = HadoopFileStore.fromEnvironment();
        String target = store.resolve(out, EvalJson.FILE_NAME);
        if (store.exists(target) && !overwrite) {
            throw new IllegalStateException(target + " already exists; pass --overwrite to replace it or choose another --out");
        }
        long start = System.nanoTime();
        EvalResult result = new PredictionScorer(kind.reader(), store).score(root, split, predictions);
        EvalJson.write(store, target, result);
        PrintWriter console = spec.commandLine().getOut();
        console.println(ClassTable.format(result));
        console.printf(Locale.ROOT, "eval: %d images, mIoU %.2f, wrote %s in %.1f s%n", result.numImages(),
                result.mIoU(), target, (System.nanoTime() - start) / 1e9);
        console.flush();
        return 0;
    }
}
