package dev.cluda.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Time and peak resident memory of one forward + backward of the contrastive loss at B = 2,
 * D = 64 on G×G grids. Not part of the normal suite (its name is no test pattern); run with
 * {@code mvn -o -pl core test -Dtest=dev.cluda.loss.PixelContrastiveLossBenchmark -Dcluda.bench=true}
 * (grid sides: {@code -Dcluda.bench.grids=33,49}; default 33,65).
 */
@EnabledIfSystemProperty(named = "cluda.bench", matches = "true")
class PixelContrastiveLossBenchmark {

    @Test
    void forwardBackward_printsTimeAndPeakMemory() throws IOException {
        for (int g : grids()) {
            for (int cap : new int[] {0, 256}) {
                for (int repeat = 0; repeat < 3; repeat++) {
                    run(g, cap, repeat);
                }
            }
        }
    }

    private static void run(int g, int cap, int repeat) throws IOException {
        int b = 2;
        int depth = 64;
        SplittableRandom random = new SplittableRandom(g * 31L + repeat);
        float[] f = new float[b * depth * g * g];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (random.nextDouble() * 2 - 1);
        }
        int[] labels = new int[b * g * g];
        float[] pi = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(10) == 0 ? 255 : random.nextInt(19);
            pi[i] = (float) random.nextDouble();
        }
        PixelContrastiveLoss loss = PixelContrastiveLoss.builder().optMaxAnchorsPerClass(cap).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray raw = manager.create(f, new Shape(b, depth, g, g));
            raw.setRequiresGradient(true);
            NDArray y = manager.create(labels, new Shape(b, g, g));
            NDArray weights = manager.create(pi, new Shape(b, g, g));
            System.gc();
            long rssBefore = status("VmRSS");
            resetPeak();
            long t0 = System.nanoTime();
            long t1;
            float value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                 NDManager step = manager.newSubManager()) {
                raw.tempAttach(step);
                NDArray features = PixelContrastiveLoss.l2NormalizePerPixel(raw);
                NDArray l = loss.compute(features, y, weights, null, new SplittableRandom(repeat));
                value = l.getFloat();
                t1 = System.nanoTime();
                collector.backward(l);
            }
            float gradSum = raw.getGradient().abs().sum().getFloat();
            long t2 = System.nanoTime();
            long peak = status("VmHWM");
            System.out.printf("G=%d N=%d cap=%d run=%d anchors=%s loss=%.5f forward=%.3fs backward=%.3fs "
                            + "rssBefore=%dMiB peakRss=%dMiB peakDelta=%dMiB |grad|=%.4f%n",
                    g, (int) java.util.Arrays.stream(labels).filter(v -> v != 255).count(),
                    cap, repeat, cap == 0 ? "all" : "capped", value, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    rssBefore >> 10, peak >> 10, (peak - rssBefore) >> 10, gradSum);
        }
    }

    /** Grid sides from {@code -Dcluda.bench.grids=33,49,65} (default 33,65), to fit peak = a + k·4N². */
    private static int[] grids() {
        return java.util.Arrays.stream(System.getProperty("cluda.bench.grids", "33,65").split(","))
                .mapToInt(v -> Integer.parseInt(v.trim())).toArray();
    }

    /** Resets the process's peak RSS (Linux {@code clear_refs} 5); ignored where not allowed. */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            System.out.println("peak RSS could not be reset: " + e);
        }
    }

    /** A {@code /proc/self/status} field in KiB. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
