package dev.cluda.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** {@code DeviceChecks bench}: {@link StepBenchmark} with the GEMM rate and the device memory in use. */
final class DeviceBench {

    private DeviceBench() {
    }

    static boolean run(DeviceChecks.Options o, Device device, Map<String, Object> json, Consumer<String> log)
            throws IOException {
        CludaConfig config = DeviceChecks.config(o, List.of("train.iters=" + (o.warmup + o.steps)));
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
}
