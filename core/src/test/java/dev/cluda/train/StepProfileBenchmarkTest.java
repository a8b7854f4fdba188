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

    @Test
    void run_withTrace_writesAChromeTraceWithTheForwardAndBackwardOperators() throws IOException {
        Path trace = dir.resolve("out/trace.json");
        StepBenchmark.run(TinyExperiment.config(dir.resolve("synthetic"), "train.iters=3"), new LocalFileStore(),
                new StepBenchmark.Options(1, 2, 0, 0, false, trace), s -> { });
        List<OperatorTrace.Operator> ops = OperatorTrace.bySelfTime(trace);
        List<String> names = ops.stream().map(OperatorTrace.Operator::name).toList();
        assertTrue(names.contains("aten::mkldnn_convolution") || names.contains("aten::convolution"), names.toString());
        assertTrue(names.contains("aten::convolution_backward"), names.toString());
        for (int i = 1; i < ops.size(); i++) {
            assertTrue(ops.get(i - 1).selfMs() >= ops.get(i).selfMs(), "sorted by self time");
        }
        assertTrue(ops.stream().allMatch(op -> op.calls() > 0 && op.selfMs() >= -1e-3), ops.toString());
    }

    @Test
    void bySelfTime_subtractsNestedOperatorsFromTheirCaller() throws IOException {
        Path trace = dir.resolve("t.json");
        java.nio.file.Files.writeString(trace, """
                [
                {"name": "outer", "ph": "X", "ts": 0, "dur": 100, "tid": 1, "pid": "CPU"},
                {"name": "inner", "ph": "X", "ts": 10, "dur": 30, "tid": 1, "pid": "CPU"},
                {"name": "inner", "ph": "X", "ts": 50, "dur": 20, "tid": 1, "pid": "CPU"},
                {"name": "leaf", "ph": "X", "ts": 55, "dur": 5, "tid": 1, "pid": "CPU"},
                {"name": "other-thread", "ph": "X", "ts": 20, "dur": 40, "tid": 2, "pid": "CPU"},
                {"name": "meta", "ph": "M", "ts": 0, "tid": 1, "pid": "CPU"}
                ]""");
        List<OperatorTrace.Operator> ops = OperatorTrace.bySelfTime(trace);
        // outer 100 − 30 − 20; inner 30 + (20 − 5); the other thread's event is nobody's child; "M" is skipped
        assertEquals(List.of(new OperatorTrace.Operator("outer", 1, 0.05), new OperatorTrace.Operator("inner", 2, 0.045),
                new OperatorTrace.Operator("other-thread", 1, 0.04), new OperatorTrace.Operator("leaf", 1, 0.005)), ops);
    }
}
