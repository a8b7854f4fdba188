package dev.cluda.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The fp32 matrix-multiply rate of the running engine on a manager's device: the ceiling a
 * training step's GFLOP/s is measured against. n × n times n × n is 2n³ floating-point operations.
 *
 * @param gflops the median rate over the timed repetitions, in GFLOP/s
 * @param bestGflops the fastest repetition's rate
 */
public record GemmRate(int n, int repetitions, double gflops, double bestGflops) {

    /**
     * Multiplies two n × n fp32 matrices {@code warmup + repetitions} times on {@code manager}'s
     * device; only the last {@code repetitions} are timed (each ends with the result read back,
     * which on a GPU waits for the kernel).
     */
    public static GemmRate measure(NDManager manager, int n, int warmup, int repetitions) {
        if (n < 1 || warmup < 0 || repetitions < 1) {
            throw new IllegalArgumentException("need n >= 1, warmup >= 0 and repetitions >= 1, got " + n + ", "
                    + warmup + ", " + repetitions);
        }
        double[] seconds = new double[repetitions];
        try (NDManager sub = manager.newSubManager()) {
            NDArray a = sub.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = sub.randomUniform(-1, 1, new Shape(n, n));
            for (int i = 0; i < warmup + repetitions; i++) {
                try (NDManager rep = sub.newSubManager()) {
                    long start = System.nanoTime();
                    NDArray c = a.matMul(b);
                    c.attach(rep);
                    c.get(0, 0).getFloat(); // synchronises a device
                    if (i >= warmup) {
                        seconds[i - warmup] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
        }
        double flops = 2.0 * n * n * n;
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = repetitions % 2 == 1 ? sorted[repetitions / 2]
                : (sorted[repetitions / 2 - 1] + sorted[repetitions / 2]) / 2;
        return new GemmRate(n, repetitions, flops / median / 1e9, flops / sorted[0] / 1e9);
    }
}
