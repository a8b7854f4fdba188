package dev.cluda.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiny {@code cluda train} of the CLI tests (and of the notebook API's test): {@code conf/synthetic.conf}
 * shrunk to a 6 + 4 + 2 image 128×64 benchmark, MiT-B0 with a 16-wide head, 64×64 crops and 4 iterations.
 */
public final class TinyTrain {

    private TinyTrain() {
    }

    /** The repository root: the nearest folder at or above the working directory with conf/synthetic.conf. */
    public static Path syntheticConf() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/synthetic.conf"))) {
                return p.resolve("conf/synthetic.conf");
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf above " + Path.of("").toAbsolutePath());
    }

    /** The tiny run's {@code --set} values, with the benchmark in {@code data/synthetic}, then {@code extra}. */
    public static List<String> overrides(Path data, String... extra) {
        String root = data.resolve("synthetic").toString();
        List<String> out = new ArrayList<>(List.of(
                "synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64", "data.source.root=" + root, "data.target.root=" + root,
                "model.embedDim=16", "model.fusedDim=16", "train.cropWidth=64", "train.cropHeight=64",
                "train.iters=4", "train.warmupIters=2", "train.logInterval=2", "train.checkpointInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000"));
        out.addAll(List.of(extra));
        return out;
    }

    /** {@code cluda train --config conf/synthetic.conf --out out --set o...} followed by {@code flags}. */
    static CliRunner.Result train(String out, List<String> overrides, String... flags) {
        return CliRunner.run(args("train", out, overrides, flags));
    }

    /** {@code cluda <command> --config conf/synthetic.conf --out out --set o...} followed by {@code flags}. */
    static String[] args(String command, String out, List<String> overrides, String... flags) {
        List<String> args = new ArrayList<>(List.of(command, "--config", syntheticConf().toString(), "--out", out));
        for (String o : overrides) {
            args.add("--set");
            args.add(o);
        }
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }
}
