/*
 * Smoke test for the GPU kit: DJL's PyTorch engine on a self-built libdjl_torch.so and an
 * external libtorch (PYTORCH_LIBRARY_PATH). Not part of the Maven build.
 *
 * Compile (on a machine with a JDK):  javac -cp "$CP" -d OUT deploy/gpu-kit/Smoke.java
 * Run:                                java -Dai.djl.offline=true -cp "OUT:$CP" Smoke
 *
 * Prints which libtorch/libdjl_torch files the process actually mapped (from /proc/self/maps),
 * the version DJL reports, and checks a 1024x1024 matMul and a Conv2d forward+backward against
 * values computed in Java. On a machine with a GPU it repeats both on gpu(0) and compares with
 * the CPU results. Exit status 0 only if every check passes.
 */

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.TreeSet;

public final class Smoke {

    private static int failures;

    private Smoke() {}

    public static void main(String[] args) throws Exception {
        System.out.println("java " + System.getProperty("java.version")
                + ", ai.djl.offline=" + System.getProperty("ai.djl.offline"));
        for (String k : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR",
                "ENGINE_CACHE_DIR", "DJL_CACHE_DIR", "PYTORCH_LIBRARY_EXCLUSION"}) {
            System.out.println("  " + k + "=" + System.getenv(k));
        }
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("engine " + engine.getEngineName() + " version (as DJL reports it) "
                + engine.getVersion() + ", gpus " + engine.getGpuCount());
        System.out.println("mapped native libraries:");
        TreeSet<String> libs = new TreeSet<>();
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash);
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.contains("torch") || name.startsWith("libc10") || name.contains("cudnn")
                    || name.contains("cublas") || name.contains("cudart")
                    || name.contains("gomp")) {
                libs.add(path);
            }
        }
        libs.forEach(p -> System.out.println("  " + p));

        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = manager.arange(12f).reshape(3, 4);
            check("arange(12).sum", a.sum().getFloat(), 66f, 0f);

            double[] cpu = run(manager, Device.cpu());
            if (engine.getGpuCount() > 0) {
                try (NDManager gm = NDManager.newBaseManager(Device.gpu(0))) {
                    double[] gpu = run(gm, Device.gpu(0));
                    for (int i = 0; i < cpu.length; i++) {
                        check("gpu vs cpu #" + i, gpu[i], cpu[i], 1e-3 * Math.abs(cpu[i]) + 1e-3);
                    }
                }
            }
        }
        System.out.println(failures == 0 ? "SMOKE OK" : "SMOKE FAILED: " + failures);
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Runs matMul and conv checks on one device; returns checksums for a cross-device check. */
    private static double[] run(NDManager manager, Device device) {
        System.out.println("device " + device);
        int n = 1024;
        // x[i][j] = ((i * n + j) % 7) - 3, small integers: the float32 product is exact.
        NDArray x = manager.arange(0, n * n, 1, DataType.INT32).reshape(n, n)
                .mod(7).sub(3).toType(DataType.FLOAT32, false);
        NDArray xt = x.transpose();
        NDArray c = x.matMul(xt); // warm-up
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            c = x.matMul(xt);
            float probe = c.get(n - 1, n - 1).getFloat(); // forces completion
            best = Math.min(best, System.nanoTime() - t0);
            if (Float.isNaN(probe)) {
                failures++;
            }
        }
        System.out.printf("  matMul %dx%d best of 3: %.2f ms%n", n, n, best / 1e6);
        // c[0][0] = sum_j x[0][j]^2 ; c[1][2] = sum_j x[1][j] x[2][j]
        check("matMul c[0][0]", c.get(0, 0).getFloat(), dot(n, 0, 0), 0);
        check("matMul c[1][2]", c.get(1, 2).getFloat(), dot(n, 1, 2), 0);
        double matSum = c.sum().toType(DataType.FLOAT64, false).getDouble();

        // Conv2d forward + backward: input ones (2,3,16,16), weight (8,3,3,3), bias (8).
        NDArray in = manager.ones(new Shape(2, 3, 16, 16));
        NDArray w = manager.arange(8 * 3 * 3 * 3f).reshape(8, 3, 3, 3).div(100f);
        NDArray b = manager.arange(8f);
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        double lossValue;
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = Conv2d.conv2d(in, w, b).singletonOrThrow();
            check("conv out shape", out.getShape().equals(new Shape(2, 8, 14, 14)) ? 1 : 0, 1, 0);
            // out[0][o][0][0] = sum(w[o]) + b[o]
            float w0 = w.get(0).sum().getFloat();
            check("conv out[0,0,0,0]", out.get(0, 0, 0, 0).getFloat(), w0, 1e-5);
            NDArray loss = out.square().sum();
            lossValue = loss.getFloat();
            gc.backward(loss);
        }
        // d/dw[o,c,i,j] of sum(out^2) = sum over (n,y,x) of 2*out[n,o,y,x]*1 = 2*2*196*(sum(w[o])+b[o])
        NDArray gw = w.getGradient();
        NDArray gb = b.getGradient();
        float[] wf = w.toFloatArray();
        for (int o = 0; o < 8; o += 7) {
            double s = 0;
            for (int k = 0; k < 27; k++) {
                s += wf[o * 27 + k];
            }
            double expect = 2.0 * 2 * 196 * (s + o);
            check("conv grad w[" + o + ",0,0,0]", gw.get(o, 0, 0, 0).getFloat(), expect,
                    1e-4 * Math.abs(expect));
            check("conv grad b[" + o + "]", gb.get(o).getFloat(), expect, 1e-4 * Math.abs(expect));
        }
        System.out.printf("  conv loss %.6f, grad sum %.6f%n", lossValue, gw.sum().getFloat());
        return new double[] {matSum, lossValue, gw.sum().getFloat()};
    }

    private static double dot(int n, int r1, int r2) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += (double) (((r1 * n + j) % 7) - 3) * (((r2 * n + j) % 7) - 3);
        }
        return s;
    }

    private static void check(String what, double got, double expect, double tol) {
        boolean ok = Math.abs(got - expect) <= tol;
        if (!ok) {
            failures++;
        }
        System.out.println("  " + (ok ? "ok   " : "FAIL ") + what + ": " + got
                + (ok ? "" : " expected " + expect));
    }
}
