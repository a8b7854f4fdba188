package dev.cluda.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * <p>{@code ring}: see {@link RingCheck}. All three take {@code --device auto|cpu|gpu}.
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
        if (args.length > 0 && args[0].equals(RingCheck.RANK_CHILD)) {
            try {
                RingCheck.rank(Options.parse(args), System.out, System.err::println);
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
            case "step-compare" -> StepComparison.run(o, device, json, log);
            case "bench" -> DeviceBench.run(o, device, json, log);
            case "ring" -> RingCheck.run(o, args, json, log);
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
