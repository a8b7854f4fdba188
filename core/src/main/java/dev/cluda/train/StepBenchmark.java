package dev.cluda.train;

import dev.cluda.error.UserInputException;
import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.ndarray.GemmRate;
import dev.cluda.uda.StepProfile;
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
     * @param rssMb     resident set size in MiB after the given number of timed steps (Linux; empty elsewhere)
     * @param peakRssMb peak resident set size (VmHWM) of the whole process in MiB at the end, data
     *                  preparation and warm-up included (Linux; empty elsewhere)
     */
    public record Result(String encoder, long encoderParams, long totalParams, double medianMs, double minMs,
                         int steps, int warmup, Map<Integer, Double> rssMb, java.util.Optional<Double> peakRssMb,
                         StepFlops flops, GemmRate gemm, Map<String, Double> profileMs) {

        /** Achieved GFLOP/s at the median step time. */
        public double gflops() {
            return flops.total() / (medianMs / 1e3) / 1e9;
        }
    }

    /**
     * What to measure besides the step time.
     *
     * @param gemmSize side of the square fp32 matrices of the GEMM rate measured first in the same
     *     process (0: not measured)
     * @param profile time each phase of the step (mean ms per step in {@link Result#profileMs})
     * @param trace where libtorch's operator profiler writes a Chrome trace of the timed steps
     *     ({@code null}: not recorded); see {@link OperatorTrace}
     */
    public record Options(int warmup, int steps, int rssEvery, int gemmSize, boolean profile, java.nio.file.Path trace) {

        /** Without an operator trace. */
        public Options(int warmup, int steps, int rssEvery, int gemmSize, boolean profile) {
            this(warmup, steps, rssEvery, gemmSize, profile, null);
        }
    }

    private StepBenchmark() {
    }

    /**
     * @param rssEvery sample the RSS every this many timed steps (0: only at the end)
     */
    public static Result run(CludaConfig config, FileStore store, int warmup, int steps, int rssEvery,
                             Consumer<String> log) throws IOException {
        return run(config, store, new Options(warmup, steps, rssEvery, 0, false), log);
    }

    /** Measures as {@code options} say; the GEMM rate first, on the same device and threads. */
    public static Result run(CludaConfig config, FileStore store, Options options, Consumer<String> log)
            throws IOException {
        int warmup = options.warmup();
        int steps = options.steps();
        int rssEvery = options.rssEvery();
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
            GemmRate gemm = options.gemmSize() > 0 ? GemmRate.measure(root, options.gemmSize(), 2, 5) : null;
            StepProfile.Recording phases = StepProfile.recording();
            if (options.profile()) {
                session.profile(phases);
            }
            for (int t = 0; t < warmup; t++) {
                session.iterate(t);
            }
            phases.clear();
            Map<String, Long> outside = new LinkedHashMap<>();
            long gcBefore = gcMillis();
            if (options.trace() != null) {
                OperatorTrace.start();
            }
            for (int i = 0; i < steps; i++) {
                long start = System.nanoTime();
                session.iterate(warmup + i);
                ms[i] = (System.nanoTime() - start) / 1e6;
                TrainingSession.StepTimes times = session.lastStepTimes();
                outside.merge("data and transforms", times.sampleNanos(), Long::sum);
                outside.merge("gradient copy and all-reduce", times.gradientCopyNanos() + times.allReduceNanos(),
                        Long::sum);
                outside.merge("optimizer", times.optimizerNanos(), Long::sum);
                if ((i + 1) % 50 == 0) {
                    System.gc(); // as the trainer does: direct buffers are freed only by GC
                }
                if ((rssEvery > 0 && (i + 1) % rssEvery == 0) || i + 1 == steps) {
                    int done = i + 1;
                    residentMb().ifPresent(v -> rss.put(done, v));
                }
            }
            if (options.trace() != null) {
                OperatorTrace.stop(options.trace());
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = steps % 2 == 1 ? sorted[steps / 2] : (sorted[steps / 2 - 1] + sorted[steps / 2]) / 2;
            Map<String, Double> profile = new LinkedHashMap<>();
            if (options.profile()) {
                profile.put("data and transforms", outside.get("data and transforms") / 1e6 / steps);
                phases.nanos().forEach((phase, nanos) -> profile.put(phase, nanos / 1e6 / steps));
                profile.put("gradient copy and all-reduce", outside.get("gradient copy and all-reduce") / 1e6 / steps);
                profile.put("optimizer", outside.get("optimizer") / 1e6 / steps);
                profile.put("garbage collection", (double) (gcMillis() - gcBefore) / steps);
                double mean = Arrays.stream(ms).average().orElse(0);
                double accounted = profile.values().stream().mapToDouble(Double::doubleValue).sum();
                profile.put("other", mean - accounted);
            }
            return new Result(config.model().spec().encoder(), ModelParameters.countTrainable(session.student().getEncoder()),
                    ModelParameters.countTrainable(session.student()), median, sorted[0], steps, warmup, rss,
                    peakResidentMb(), StepFlops.of(config), gemm, profile);
        }
    }

    /** Milliseconds every garbage collector of this JVM has spent so far. */
    private static long gcMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory
                .getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /** VmRSS of this process in MiB, from /proc (Linux). */
    static java.util.Optional<Double> residentMb() {
        return statusMb("VmRSS");
    }

    /** VmHWM (peak resident set) of this process in MiB, from /proc (Linux): what a memory budget must hold. */
    static java.util.Optional<Double> peakResidentMb() {
        return statusMb("VmHWM");
    }

    private static java.util.Optional<Double> statusMb(String field) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return java.util.Optional.empty();
        }
        try {
            return parseStatusMb(Files.readAllLines(status), field);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The {@code field} of /proc/[pid]/status lines ("VmRSS:   123456 kB") in MiB; empty if absent or malformed. */
    static java.util.Optional<Double> parseStatusMb(java.util.List<String> lines, String field) {
        String prefix = field + ":";
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                try {
                    String kb = line.substring(prefix.length()).trim().split("\\s+")[0];
                    return java.util.Optional.of(Long.parseLong(kb) / 1024.0);
                } catch (NumberFormatException e) {
                    return java.util.Optional.empty();
                }
            }
        }
        return java.util.Optional.empty();
    }
}
