package dev.cluda.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.comm.TcpRingCollective;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.io.LocalFileStore;
import dev.cluda.parallel.BatchNormStatistics;
import dev.cluda.parallel.DataParallel;
import dev.cluda.parallel.GradientBuffer;
import dev.cluda.parallel.GradientScope;
import dev.cluda.uda.StepResult;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.MemoryUsage;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The checks a GPU machine runs from the GPU kit ({@code deploy/gpu-kit/run-checks.sh}), one JSON
 * line each on stdout, progress on stderr, exit status 0 (ok), 1 (a tolerance failed) or 2 (error).
 *
 * <pre>
 *   DeviceChecks step-compare [--conf FILE] [--data DIR] [--iters N] [--loss-tol X] [--grad-tol X] [--set k=v]...
 *   DeviceChecks bench        [--conf FILE] [--data DIR] [--warmup N] [--steps N] [--gemm N] [--set k=v]...
 *   DeviceChecks ring         [--conf FILE] [--data DIR] [--iters N] [--set k=v]...
 * </pre>
 *
 * <p>{@code ring}: see {@link #ring}. All three take {@code --device auto|cpu|gpu}.
 *
 * <p>{@code step-compare} runs {@code --iters} CLUDA iterations (default 2, so the EMA teacher sees
 * one optimizer step) of a small synthetic configuration on the chosen device ({@code gpu(0)} when
 * libtorch sees a GPU, else the CPU; {@code --device cpu|gpu} forces it) and on the CPU, each from
 * the same seeded initial weights and the same host-drawn crops, and compares every loss term, the
 * student's gradients before each optimizer step ({@link GradientBuffer}), and after the last step
 * the student's weights, its and the teacher's BatchNorm running statistics and the EMA teacher's
 * weights. Gradients are compared as {@code max|a-b| / max|b|} (the largest difference relative to
 * the gradient's scale; element-wise relative differences of near-zero entries are noise), with the
 * relative L2 distance reported too.
 *
 * <p>{@code bench} is {@link StepBenchmark#run} with the GEMM rate, on the engine's default device,
 * plus the device memory in use (CUDA's used = total - free, sampled every 20 ms; the whole
 * device, libtorch's caching allocator included) when a GPU is used.
 */
public final class DeviceChecks {

    /** Overrides every check starts from: the tiny synthetic benchmark of the tests, MiT-B0, batch 2 + 2. */
    static final List<String> SMALL = List.of(
            "synth.sourceImages=6", "synth.targetTrainImages=4", "synth.targetValImages=2",
            "model.encoder=mit_b0", "model.embedDim=16", "model.fusedDim=16",
            "train.batchSize=2", "train.cropWidth=64", "train.cropHeight=64", "train.warmupIters=2",
            "contrastive.grid=9", "uda.rcs.minPixels=15", "eval.interval=1000");

    private DeviceChecks() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(RANK_CHILD)) {
            try {
                ringRank(Options.parse(args), System.out, System.err::println);
                System.exit(0);
            } catch (Throwable e) {
                e.printStackTrace(System.err);
                System.exit(2);
            }
        }
        PrintStream out = System.out;
        Map<String, Object> json = new LinkedHashMap<>();
        int status;
        try {
            status = run(args, json, System.err::println);
        } catch (Throwable e) { // the JSON line must come out whatever failed
            json.put("ok", false);
            json.put("error", e.getClass().getName() + ": " + e.getMessage());
            e.printStackTrace(System.err);
            status = 2;
        }
        out.println(toJson(json));
        out.flush();
        System.exit(status);
    }

    /** Runs the check {@code args[0]} into {@code json}; returns the exit status. */
    static int run(String[] args, Map<String, Object> json, Consumer<String> log) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: DeviceChecks step-compare|bench [options]");
        }
        Options o = Options.parse(args);
        json.put("check", o.check);
        json.put("ok", false);
        Device device = chooseDevice(o.device);
        json.put("device", device.toString());
        json.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        json.put("gpus", Engine.getInstance().getGpuCount());
        boolean ok = switch (o.check) {
            case "step-compare" -> stepCompare(o, device, json, log);
            case "bench" -> bench(o, device, json, log);
            case "ring" -> ring(o, args, json, log);
            default -> throw new IllegalArgumentException("unknown check " + o.check + " (step-compare, bench, ring)");
        };
        json.put("ok", ok);
        return ok ? 0 : 1;
    }

    static Device chooseDevice(String wanted) {
        return switch (wanted) {
            case "cpu" -> Device.cpu();
            case "gpu" -> Device.gpu(0);
            case "auto" -> Engine.getInstance().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
            default -> throw new IllegalArgumentException("--device must be auto, cpu or gpu, got " + wanted);
        };
    }

    /** The check's configuration: {@link #SMALL}, then the data root, then the user's overrides. */
    static CludaConfig config(Options o, List<String> checkDefaults) throws IOException {
        List<String> sets = new ArrayList<>(SMALL);
        sets.addAll(checkDefaults);
        Path data = o.data != null ? o.data : Files.createTempDirectory("cluda-device-checks");
        sets.add("data.source.root=" + data.toAbsolutePath());
        sets.add("data.target.root=" + data.toAbsolutePath());
        sets.addAll(o.sets);
        CludaConfig first = CludaConfig.from(ConfigLoader.load(o.conf, sets));
        // synthetic images at least as large as the crops, unless the user chose their size
        List<String> sized = new ArrayList<>(sets);
        if (o.sets.stream().noneMatch(s -> s.startsWith("synth.width="))) {
            sized.add(sized.size() - o.sets.size(), "synth.width=" + Math.max(256, first.train().cropWidth()));
        }
        if (o.sets.stream().noneMatch(s -> s.startsWith("synth.height="))) {
            sized.add(sized.size() - o.sets.size(), "synth.height=" + Math.max(128, first.train().cropHeight()));
        }
        return CludaConfig.from(ConfigLoader.load(o.conf, sized));
    }

    // ---------------------------------------------------------------- step-compare

    /** What one device computed. */
    record Trace(List<Map<String, Double>> losses, List<float[]> grads, float[] weights, float[] runningStats,
                 float[] teacher, long initialChecksum, double seconds) {
    }

    private static boolean stepCompare(Options o, Device device, Map<String, Object> json, Consumer<String> log)
            throws IOException {
        CludaConfig config = config(o, List.of("train.iters=" + Math.max(4, o.iters)));
        json.put("iters", o.iters);
        json.put("crop", config.train().cropWidth() + "x" + config.train().cropHeight());
        json.put("encoder", config.model().spec().encoder());
        LocalFileStore store = new LocalFileStore();
        TrainingData data = TrainingData.prepare(config, store, null, log);
        log.accept("step-compare: " + device + " against cpu()");
        Trace onDevice = trace(config, data, device, o.iters, log);
        Trace onCpu = trace(config, data, Device.cpu(), o.iters, log);
        json.put("deviceSeconds", onDevice.seconds);
        json.put("cpuSeconds", onCpu.seconds);
        json.put("initialWeightsEqual", onDevice.initialChecksum == onCpu.initialChecksum);
        boolean ok = onDevice.initialChecksum == onCpu.initialChecksum;

        double maxLoss = 0;
        List<Object> perIteration = new ArrayList<>();
        for (int t = 0; t < o.iters; t++) {
            Map<String, Object> it = new LinkedHashMap<>();
            Map<String, Double> a = onDevice.losses.get(t);
            Map<String, Double> b = onCpu.losses.get(t);
            Map<String, Object> terms = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : b.entrySet()) {
                Double d = a.get(e.getKey());
                double rel = d == null ? Double.NaN : relative(d, e.getValue());
                maxLoss = Double.isNaN(rel) ? Double.NaN : Math.max(maxLoss, rel);
                terms.put(e.getKey(), List.of(d == null ? Double.NaN : d, e.getValue(), rel));
            }
            if (!a.keySet().equals(b.keySet())) {
                ok = false;
                it.put("termsDiffer", a.keySet() + " vs " + b.keySet());
            }
            it.put("losses [device, cpu, rel]", terms);
            double[] g = compare(onDevice.grads.get(t), onCpu.grads.get(t));
            it.put("gradMaxDiffOverMax", g[0]);
            it.put("gradRelL2", g[1]);
            it.put("gradCount", onCpu.grads.get(t).length);
            ok &= g[0] <= o.gradTol;
            perIteration.add(it);
        }
        json.put("perIteration", perIteration);
        json.put("lossMaxRel", maxLoss);
        json.put("lossTol", o.lossTol);
        json.put("gradTol", o.gradTol);
        ok &= maxLoss <= o.lossTol;
        Map<String, Object> after = new LinkedHashMap<>();
        String[] names = {"studentWeights", "runningStats", "teacherWeights"};
        float[][] a = {onDevice.weights, onDevice.runningStats, onDevice.teacher};
        float[][] b = {onCpu.weights, onCpu.runningStats, onCpu.teacher};
        for (int i = 0; i < names.length; i++) {
            double[] c = compare(a[i], b[i]);
            after.put(names[i], Map.of("count", b[i].length, "maxDiffOverMax", c[0], "relL2", c[1]));
            ok &= c[0] <= o.gradTol;
        }
        json.put("afterLastStep", after);
        return ok && Double.isFinite(maxLoss);
    }

    /** Runs {@code iters} iterations on {@code device}, recording what {@link #stepCompare} compares. */
    static Trace trace(CludaConfig config, TrainingData data, Device device, int iters, Consumer<String> log)
            throws IOException {
        long start = System.nanoTime();
        List<Map<String, Double>> losses = new ArrayList<>();
        List<float[]> grads = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(device);
             TrainingSession session = TrainingSession.open(config, data, root, Rank.alone().parallel(), m -> { })) {
            long checksum = java.util.Arrays.hashCode(values(session.student()));
            GradientBuffer layout = GradientBuffer.of(session.student());
            for (int t = 0; t < iters; t++) {
                long step = t;
                TrainingSession.Batches batches = session.drawBatches(t);
                try (NDManager sub = root.newSubManager()) {
                    StepResult r = GradientScope.run(() -> session.compute(sub, step, batches));
                    session.synchronize(sub);
                    grads.add(layout.read(sub));
                    session.applyOptimizer(sub, step);
                    losses.add(new LinkedHashMap<>(r.losses()));
                    log.accept("  " + device + " t=" + t + " losses " + r.losses());
                }
            }
            BatchNormStatistics stats = BatchNormStatistics.of(session.student(), session.teacher());
            float[] running = new float[stats.length()];
            stats.read(running, 0);
            return new Trace(losses, grads, values(session.student()), running,
                    session.teacher() == null ? new float[0] : values(session.teacher()), checksum,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** Every parameter of {@code block} (running statistics included) in name order, read to the host. */
    static float[] values(Block block) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        List<Pair<String, Parameter>> params = new ArrayList<>();
        block.getParameters().forEach(params::add);
        params.sort((x, y) -> x.getKey().compareTo(y.getKey()));
        for (Pair<String, Parameter> p : params) {
            float[] v = p.getValue().getArray().toFloatArray();
            parts.add(v);
            n += v.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] v : parts) {
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }

    /** {@code [max|a-b| / max|b|, ||a-b|| / ||b||]}; NaN if the lengths differ or a value is not finite. */
    static double[] compare(float[] a, float[] b) {
        if (a.length != b.length) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double maxDiff = 0;
        double maxRef = 0;
        double diff2 = 0;
        double ref2 = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
                return new double[] {Double.NaN, Double.NaN};
            }
            maxDiff = Math.max(maxDiff, d);
            maxRef = Math.max(maxRef, Math.abs(b[i]));
            diff2 += d * d;
            ref2 += (double) b[i] * b[i];
        }
        return new double[] {maxRef == 0 ? maxDiff : maxDiff / maxRef, ref2 == 0 ? Math.sqrt(diff2) : Math.sqrt(diff2 / ref2)};
    }

    static double relative(double a, double b) {
        double scale = Math.max(Math.abs(b), 1e-12);
        return Math.abs(a - b) / scale;
    }

    // ---------------------------------------------------------------- bench

    private static boolean bench(Options o, Device device, Map<String, Object> json, Consumer<String> log)
            throws IOException {
        CludaConfig config = config(o, List.of("train.iters=" + (o.warmup + o.steps)));
        if (!device.equals(Engine.getInstance().defaultDevice())) {
            throw new IllegalArgumentException("bench runs on the engine's default device "
                    + Engine.getInstance().defaultDevice() + ", not " + device);
        }
        boolean gpu = device.isGpu();
        long[] peakUsed = {gpu ? usedBytes(device) : -1};
        json.put("usedBytesBefore", peakUsed[0]);
        Consumer<String> watching = log;
        // sampled every 20 ms while the benchmark runs: DJL 0.36 has no peak of libtorch's allocator
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(gpu);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                long used = usedBytes(device);
                synchronized (peakUsed) {
                    peakUsed[0] = Math.max(peakUsed[0], used);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "device-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        StepBenchmark.Result r;
        try {
            r = StepBenchmark.run(config, new LocalFileStore(),
                    new StepBenchmark.Options(o.warmup, o.steps, 1, o.gemm, false), watching);
        } finally {
            running.set(false);
            try {
                sampler.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        json.put("encoder", r.encoder());
        json.put("crop", config.train().cropWidth() + "x" + config.train().cropHeight());
        json.put("batch", config.train().batchSize());
        json.put("params", r.totalParams());
        json.put("warmup", r.warmup());
        json.put("steps", r.steps());
        json.put("medianMs", r.medianMs());
        json.put("minMs", r.minMs());
        json.put("gflopPerStep", r.flops().total() / 1e9);
        json.put("gflops", r.gflops());
        if (r.gemm() != null) {
            json.put("gemmN", r.gemm().n());
            json.put("gemmGflops", r.gemm().gflops());
            json.put("gemmBestGflops", r.gemm().bestGflops());
        }
        r.peakRssMb().ifPresent(v -> json.put("peakRssMb", v));
        if (gpu) {
            synchronized (peakUsed) {
                json.put("deviceUsedMbPeak", peakUsed[0] / (1024.0 * 1024.0));
            }
        }
        return Double.isFinite(r.medianMs()) && r.medianMs() > 0 && Double.isFinite(r.gflops());
    }

    /** CUDA's used memory of the whole device (total - free), or -1 if it cannot be read. */
    static long usedBytes(Device device) {
        try {
            MemoryUsage m = ai.djl.util.cuda.CudaUtils.getGpuMemory(device);
            return m.getUsed();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- ring

    /** The hidden first argument of a rank JVM started by {@code ring}. */
    static final String RANK_CHILD = "ring-rank";
    private static final int RING_RANKS = 2;
    private static final long RING_TIMEOUT_SECONDS = 300;

    /**
     * Two ranks as two JVMs on this machine (this JVM's {@code java}, class path and DJL
     * properties; the environment, hence libtorch, is inherited) over {@link TcpRingCollective}
     * on loopback, each on the chosen device, training {@code --iters} iterations of the small
     * configuration with data parallelism; every iteration ends with
     * {@link TrainingSession#verifyReplicasIdentical}, and the parent compares the ranks' final
     * student and teacher checksums.
     */
    private static boolean ring(Options o, String[] args, Map<String, Object> json, Consumer<String> log)
            throws IOException {
        Path data = o.data != null ? o.data : Files.createTempDirectory("cluda-device-checks");
        Options withData = Options.parse(args);
        withData.data = data;
        CludaConfig config = config(withData, List.of("train.iters=" + Math.max(4, o.iters)));
        // generated once here, so the ranks do not race to write it
        TrainingData.prepare(config, new LocalFileStore(), null, log);
        String javaCommand = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(javaCommand, "-Xss4m", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), DeviceChecks.class.getName(), RANK_CHILD));
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        rest.addAll(List.of("--data", data.toString()));
        long start = System.nanoTime();
        List<Process> children = new ArrayList<>();
        try {
            List<BufferedReader> outputs = new ArrayList<>();
            for (int r = 0; r < RING_RANKS; r++) {
                List<String> c = new ArrayList<>(command);
                c.addAll(rest);
                c.addAll(List.of("--rank", Integer.toString(r)));
                Process p = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                children.add(p);
                outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8)));
            }
            List<String> addresses = new ArrayList<>();
            for (int r = 0; r < RING_RANKS; r++) {
                addresses.add(expect(outputs.get(r), "address", r));
            }
            for (Process p : children) {
                Writer in = new OutputStreamWriter(p.getOutputStream(),
                        StandardCharsets.UTF_8);
                in.write(String.join(",", addresses) + "\n");
                in.flush();
            }
            List<Object> ranks = new ArrayList<>();
            String first = null;
            boolean same = true;
            for (int r = 0; r < RING_RANKS; r++) {
                String[] f = expect(outputs.get(r), "result", r).split(" ");
                Map<String, Object> rank = new LinkedHashMap<>();
                rank.put("rank", r);
                rank.put("device", f[0]);
                rank.put("studentChecksum", f[1]);
                rank.put("teacherChecksum", f[2]);
                rank.put("lastTotalLoss", Double.parseDouble(f[3]));
                rank.put("trainSeconds", Double.parseDouble(f[4]));
                ranks.add(rank);
                String sums = f[1] + " " + f[2];
                same &= first == null || first.equals(sums);
                first = first == null ? sums : first;
                same &= Double.isFinite(Double.parseDouble(f[3]));
            }
            boolean exited = true;
            for (Process p : children) {
                exited &= p.waitFor(RING_TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
            }
            json.put("ranks", ranks);
            json.put("iters", o.iters);
            json.put("replicasIdentical", same);
            json.put("ranksExitedCleanly", exited);
            json.put("seconds", (System.nanoTime() - start) / 1e9);
            return same && exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static String expect(BufferedReader output, String key, int rank) throws IOException {
        String line = output.readLine();
        if (line == null || !line.startsWith(key + " ")) {
            throw new IllegalStateException("rank " + rank + " sent " + (line == null ? "nothing" : "'" + line + "'")
                    + " where '" + key + " ...' was expected (its errors are in the log above)");
        }
        return line.substring(key.length() + 1);
    }

    /** One rank JVM of {@link #ring}: prints its address, reads all, trains, prints its result. */
    static void ringRank(Options o, PrintStream out, Consumer<String> log) throws IOException {
        CludaConfig config = config(o, List.of("train.iters=" + Math.max(4, o.iters)));
        Device device = chooseDevice(o.device);
        ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1");
        out.println("address " + TcpRingCollective.advertisedAddress(server, "127.0.0.1"));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        List<String> addresses = List.of(in.readLine().split(","));
        Consumer<String> tagged = m -> log.accept("rank " + o.rank + ": " + m);
        try (TcpRingCollective ring = TcpRingCollective.connect(o.rank, server,
                addresses, TcpRingCollective.DEFAULT_TIMEOUT)) {
            DataParallel parallel = new DataParallel(ring);
            TrainingData data = TrainingData.prepare(config, new LocalFileStore(), null, o.rank, RING_RANKS, tagged);
            long start = System.nanoTime();
            double total = Double.NaN;
            try (NDManager root = NDManager.newBaseManager(device);
                 TrainingSession session = TrainingSession.open(config, data, root, parallel, tagged)) {
                for (int t = 0; t < o.iters; t++) {
                    StepResult r = session.iterate(t);
                    total = r.losses().getOrDefault("total", Double.NaN);
                    session.verifyReplicasIdentical(t);
                    tagged.accept(device + " t=" + t + " losses " + r.losses());
                }
                long student = DataParallel.checksum(session.student());
                long teacher = session.teacher() == null ? 0 : DataParallel.checksum(session.teacher());
                out.println("result " + device.toString().replace(' ', '_') + " " + Long.toHexString(student) + " "
                        + Long.toHexString(teacher) + " " + total + " " + (System.nanoTime() - start) / 1e9);
                out.flush();
            }
        }
    }

    // ---------------------------------------------------------------- options and JSON

    /** The command line. */
    static final class Options {
        String check;
        File conf = new File("conf/synthetic.conf");
        Path data;
        String device = "auto";
        int iters = 2;
        double lossTol = 1e-4;
        double gradTol = 1e-2;
        int warmup = 2;
        int steps = 5;
        int gemm = 1024;
        int rank;
        final List<String> sets = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            o.check = args[0];
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--conf" -> o.conf = new File(v);
                    case "--data" -> o.data = Path.of(v);
                    case "--device" -> o.device = v;
                    case "--iters" -> o.iters = Integer.parseInt(v);
                    case "--loss-tol" -> o.lossTol = Double.parseDouble(v);
                    case "--grad-tol" -> o.gradTol = Double.parseDouble(v);
                    case "--warmup" -> o.warmup = Integer.parseInt(v);
                    case "--steps" -> o.steps = Integer.parseInt(v);
                    case "--gemm" -> o.gemm = Integer.parseInt(v);
                    case "--set" -> o.sets.add(v);
                    case "--rank" -> o.rank = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return o;
        }
    }

    /** A minimal JSON rendering of maps, lists, strings, numbers and booleans (non-finite numbers as strings). */
    static String toJson(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                sb.append(String.format(Locale.ROOT, "%.9g", d).trim());
            } else {
                write(sb, String.valueOf(d));
            }
        } else if (v instanceof Number) {
            sb.append(v);
        } else {
            String s = v.toString();
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
