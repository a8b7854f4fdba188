package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.LocalFileStore;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluda bench step --profile}: every phase of the CLUDA step timed, adding up to the step. */
@IntegrationTest
class StepProfileBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void run_withProfileAndGemm_reportsEveryPhaseTheFlopsAndTheGemmRate() throws IOException {
        StepBenchmark.Result r = StepBenchmark.run(TinyExperiment.config(dir.resolve("synthetic"), "train.iters=4"),
                new LocalFileStore(), new StepBenchmark.Options(1, 3, 0, 64, true), s -> { });
        Map<String, Double> p = r.profileMs();
        for (String phase : List.of("data and transforms", "ema", "source forward", "source ce", "source contrast",
                "source backward", "pseudo-labels", "mixing and augmentation", "mixed forward", "mixed ce",
                "mixed contrast", "mixed backward", "gradient copy and all-reduce", "optimizer", "garbage collection",
                "other")) {
            assertTrue(p.containsKey(phase), phase + " missing from " + p);
        }
        p.forEach((phase, ms) -> assertTrue(phase.equals("other") || ms >= 0, phase + " = " + ms));
        assertTrue(p.get("source forward") > 0 && p.get("mixed backward") > 0, p.toString());
        double sum = p.values().stream().mapToDouble(Double::doubleValue).sum();
        assertTrue(Math.abs(sum - r.medianMs()) < 0.5 * r.medianMs(), "phases add up to about a step: " + sum
                + " vs median " + r.medianMs());
        assertEquals(StepFlops.of(TinyExperiment.config(dir.resolve("synthetic"), "train.iters=4")).total(),
                r.flops().total());
        assertTrue(r.gemm() != null && r.gemm().n() == 64 && r.gemm().gflops() > 0);
        assertTrue(r.gflops() > 0);
    }
}
