package dev.cluda.train;

import dev.cluda.model.ModelParameters;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import dev.cluda.parallel.BatchNormStatistics;
import dev.cluda.parallel.GradientBuffer;
import dev.cluda.parallel.GradientScope;
import dev.cluda.uda.StepResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** {@code DeviceChecks step-compare}: the same CLUDA iterations on the device and on the CPU, compared. */
final class StepComparison {

    private StepComparison() {
    }

    /** What one device computed. */
    record Trace(List<Map<String, Double>> losses, List<float[]> grads, float[] weights, float[] runningStats,
                 float[] teacher, long initialChecksum, double seconds) {
    }

    static boolean run(DeviceChecks.Options o, Device device, Map<String, Object> json, Consumer<String> log)
            throws IOException {
        CludaConfig config = DeviceChecks.config(o, List.of("train.iters=" + Math.max(4, o.iters)));
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

    /** Runs {@code iters} iterations on {@code device}, recording what {@link #run} compares. */
    static Trace trace(CludaConfig config, TrainingData data, Device device, int iters, Consumer<String> log)
            throws IOException {
        long start = System.nanoTime();
        List<Map<String, Double>> losses = new ArrayList<>();
        List<float[]> grads = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(device);
             TrainingSession session = TrainingSession.open(config, data, root, Rank.alone().parallel(), m -> { })) {
            long checksum = java.util.Arrays.hashCode(ModelParameters.flatValues(session.student()));
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
            return new Trace(losses, grads, ModelParameters.flatValues(session.student()), running,
                    session.teacher() == null ? new float[0] : ModelParameters.flatValues(session.teacher()), checksum,
                    (System.nanoTime() - start) / 1e9);
        }
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
}
