package dev.cluda.train;

import dev.cluda.error.UserInputException;
import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.FileStore;
import dev.cluda.model.ModelParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Times the training iteration of a configuration ({@code cluda bench step}): data sampling, the
 * whole {@link dev.cluda.uda.CludaStep} and the optimizer, after a warm-up, on this process's
 * device. Also samples the resident set size, to show memory stays flat over a long run.
 */
public final class StepBenchmark {

    /**
     * The measurement.
     *
     * @param rssMb resident set size in MiB after the given number of timed steps (Linux; empty elsewhere)
     */
    public record Result(String encoder, long encoderParams, long totalParams, double medianMs, double minMs,
                         int steps, int warmup, Map<Integer, Double> rssMb) {
    }

    private StepBenchmark() {
    }

    /**
     * @param rssEvery sample the RSS every this many timed steps (0: only at the end)
     */
    public static Result run(CludaConfig config, FileStore store, int warmup, int steps, int rssEvery,
                             Consumer<String> log) throws IOException {
        if (steps < 1 || warmup < 0) {
            throw new UserInputException("--steps must be >= 1 and --warmup >= 0");
        }
        if (warmup + steps > config.train().iters()) {
            // the learning-rate schedule ends at train.iters
            throw new UserInputException("--warmup + --steps = " + (warmup + steps) + " exceeds train.iters = "
                    + config.train().iters() + "; pass --set train.iters=" + (warmup + steps));
        }
        TrainingData data = TrainingData.prepare(config, store, null, log);
        double[] ms = new double[steps];
        Map<Integer, Double> rss = new LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager();
             TrainingSession session = TrainingSession.open(config, data, root, Rank.alone().parallel(), log)) {
            for (int t = 0; t < warmup; t++) {
                session.iterate(t);
            }
            for (int i = 0; i < steps; i++) {
                long start = System.nanoTime();
                session.iterate(warmup + i);
                ms[i] = (System.nanoTime() - start) / 1e6;
                if ((i + 1) % 50 == 0) {
                    System.gc(); // as the trainer does: direct buffers are freed only by GC
                }
                if ((rssEvery > 0 && (i + 1) % rssEvery == 0) || i + 1 == steps) {
                    int done = i + 1;
                    residentMb().ifPresent(v -> rss.put(done, v));
                }
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = steps % 2 == 1 ? sorted[steps / 2] : (sorted[steps / 2 - 1] + sorted[steps / 2]) / 2;
            return new Result(config.model().spec().encoder(), ModelParameters.countTrainable(session.student().getEncoder()),
                    ModelParameters.countTrainable(session.student()), median, sorted[0], steps, warmup, rss);
        }
    }

    /** VmRSS of this process in MiB, from /proc (Linux). */
    static java.util.Optional<Double> residentMb() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return java.util.Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return java.util.Optional.of(Long.parseLong(kb) / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }
}
