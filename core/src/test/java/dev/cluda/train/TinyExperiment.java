package dev.cluda.train;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.config.Settings;
import dev.cluda.model.SegmentationModel;
import dev.cluda.uda.CludaStep;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code conf/synthetic.conf} shrunk for tests: a 6 + 4 + 2 image 128×64 synthetic benchmark under
 * a test's folder, MiT-B0 with 16-wide head, 64×64 crops, a 9×9 contrastive grid, 4 iterations,
 * rare-class sampling above 15 pixels (traffic lights and signs reach 20 pixels at most in these
 * six images, and the sampler needs one image above the threshold for every present class).
 * The repository root is found by walking up from the working directory (surefire runs in the
 * module folder, {@code core/} or {@code spark-job/}) to the folder holding {@code conf/synthetic.conf}.
 */
public final class TinyExperiment {

    private TinyExperiment() {
    }

    /** The repository root: the nearest folder at or above the working directory with {@code conf/synthetic.conf}. */
    public static Path repoRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf").resolve("synthetic.conf"))) {
                return p;
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf at or above " + start);
    }

    public static File syntheticConf() {
        return repoRoot().resolve("conf").resolve("synthetic.conf").toFile();
    }

    /** The tiny overrides with the benchmark in {@code dataRoot}, then {@code extra} ({@code key=value}). */
    public static List<String> overrides(Path dataRoot, String... extra) {
        String root = dataRoot.toAbsolutePath().toString();
        List<String> out = new ArrayList<>(List.of(
                "synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
                "synth.width=128", "synth.height=64",
                "data.source.root=" + root, "data.target.root=" + root,
                "model.embedDim=16", "model.fusedDim=16",
                "train.cropWidth=64", "train.cropHeight=64", "train.iters=4", "train.warmupIters=2",
                "train.logInterval=2", "train.checkpointInterval=2",
                "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000"));
        out.addAll(Arrays.asList(extra));
        return out;
    }

    public static Settings settings(Path dataRoot, String... extra) {
        return ConfigLoader.load(syntheticConf(), overrides(dataRoot, extra));
    }

    public static CludaConfig config(Path dataRoot, String... extra) {
        return CludaConfig.from(settings(dataRoot, extra));
    }

    /** The trainer's step construction ({@link TrainingComponents#step}), for tests outside this package. */
    public static CludaStep step(CludaConfig config, SegmentationModel student, SegmentationModel teacher,
                                 SegmentationModel imagenet) {
        return TrainingComponents.step(config, student, teacher, imagenet, config.train().concurrentPasses());
    }
}
