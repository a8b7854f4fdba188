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
 * Time and peak resident memory of one forward + backward of the multi-resolution contrastive
 * loss at B = 2, D = 64 on G×G grids, with a detail crop of half the grid side (HRDA, §5.1) and
 * 10 % ignore. Not part of the normal suite (its name is no test pattern); run with
 * {@code mvn -o -pl core test -Dtest=dev.cluda.loss.MultiResolutionContrastiveLossBenchmark -Dcluda.bench=true}
 * (grid sides: {@code -Dcluda.bench.grids=33,49}; default 33,65).
 */
@EnabledIfSystemProperty(named = "cluda.bench", matches = "true")
class MultiResolutionContrastiveLossBenchmark {

    @Test
    void forwardBackward_printsTimeAndPeakMemory() throws IOException {
        for (int g : grids()) {
            for (boolean released : new boolean[] {false, true}) {
                for (int repeat = 0; repeat < 3; repeat++) {
                    run(g, released, repeat);
                }
            }
        }
    }

    private static void run(int g, boolean released, int repeat) throws IOException {
        int b = 2;
        int depth = 64;
        int hw = g * g;
        SplittableRandom random = new SplittableRandom(g * 31L + repeat);
        float[] lr = new float[b * depth * hw];
        float[] hr = new float[lr.length];
        for (int i = 0; i < lr.length; i++) {
            lr[i] = (float) (random.nextDouble() * 2 - 1);
            hr[i] = (float) (random.nextDouble() * 2 - 1);
        }
        int[] labels = new int[b * hw];
        float[] pi = new float[labels.length];
        float[] w = new float[labels.length];
        float[] crop = new float[labels.length];
        int side = (g + 1) / 2;
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(10) == 0 ? 255 : random.nextInt(19);
            pi[i] = (float) random.nextDouble();
            w[i] = (float) random.nextDouble();
            int row = (i % hw) / g;
            int col = i % g;
            crop[i] = row >= g / 4 && row < g / 4 + side && col >= g / 4 && col < g / 4 + side ? 1f : 0f;
        }
        MultiResolutionContrastiveLoss.Builder builder = MultiResolutionContrastiveLoss.builder();
        MultiResolutionContrastiveLoss loss = (released ? builder.releasedQuirks() : builder).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rawLr = manager.create(lr, new Shape(b, depth, g, g));
            NDArray rawHr = manager.create(hr, new Shape(b, depth, g, g));
            NDArray weight = manager.create(w, new Shape(b, g, g));
            rawLr.setRequiresGradient(true);
            rawHr.setRequiresGradient(true);
            weight.setRequiresGradient(true);
            NDArray y = manager.create(labels, new Shape(b, g, g));
            NDArray confidence = manager.create(pi, new Shape(b, g, g));
            NDArray cropMask = manager.create(crop, new Shape(b, g, g));
            System.gc();
            long rssBefore = status("VmRSS");
            resetPeak();
            long t0 = System.nanoTime();
            long t1;
            float value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                 NDManager step = manager.newSubManager()) {
                rawLr.tempAttach(step);
                rawHr.tempAttach(step);
                NDArray features = PixelContrastiveLoss.l2NormalizePerPixel(rawLr);
                NDArray canvas = PixelContrastiveLoss.l2NormalizePerPixel(rawHr).mul(cropMask.reshape(b, 1, g, g));
                NDArray l = loss.compute(features, canvas, y, cropMask, weight, confidence, null, null);
                value = l.getFloat();
                t1 = System.nanoTime();
                collector.backward(l);
            }
            float gradSum = rawLr.getGradient().abs().sum().getFloat() + rawHr.getGradient().abs().sum().getFloat()
                    + weight.getGradient().abs().sum().getFloat();
            long t2 = System.nanoTime();
            long peak = status("VmHWM");
            System.out.printf("G=%d N=%d quirks=%s run=%d loss=%.5f forward=%.3fs backward=%.3fs "
                            + "rssBefore=%dMiB peakRss=%dMiB peakDelta=%dMiB |grad|=%.4f%n",
                    g, (int) java.util.Arrays.stream(labels).filter(v -> v != 255).count(),
                    released ? "released" : "default", repeat, value, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
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
