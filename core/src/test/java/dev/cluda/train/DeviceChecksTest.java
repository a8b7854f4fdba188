package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cluda.testing.IntegrationTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU dry run of the GPU kit's checks ({@code deploy/gpu-kit/run-checks.sh}), in process:
 * {@code step-compare} with the CPU as "the device" (so every difference must be exactly 0) and a
 * tiny {@code bench}, and {@code ring} with two rank JVMs on the CPU; each JSON line parses and carries
 * finite numbers.
 */
@IntegrationTest
class DeviceChecksTest {

    @TempDir
    Path dir;

    private JsonObject check(String... args) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        int status = DeviceChecks.run(args, json, m -> { });
        JsonObject parsed = JsonParser.parseString(DeviceChecks.toJson(json)).getAsJsonObject();
        assertEquals(0, status, parsed.toString());
        assertTrue(parsed.get("ok").getAsBoolean(), parsed.toString());
        return parsed;
    }

    @Test
    void stepCompare_cpuAgainstCpu_isExact() throws Exception {
        JsonObject r = check("step-compare", "--device", "cpu", "--conf", TinyExperiment.syntheticConf().getPath(),
                "--data", dir.resolve("data").toString());
        assertEquals("cpu()", r.get("device").getAsString());
        assertTrue(r.get("initialWeightsEqual").getAsBoolean());
        assertEquals(0.0, r.get("lossMaxRel").getAsDouble());
        assertEquals(2, r.getAsJsonArray("perIteration").size());
        for (var it : r.getAsJsonArray("perIteration")) {
            JsonObject o = it.getAsJsonObject();
            assertEquals(0.0, o.get("gradMaxDiffOverMax").getAsDouble());
            assertTrue(o.get("gradCount").getAsLong() > 1_000_000, o.toString());
            JsonObject losses = o.getAsJsonObject("losses [device, cpu, rel]");
            assertTrue(losses.has("total") && losses.has("ce_source"), losses.toString());
            double total = losses.getAsJsonArray("total").get(0).getAsDouble();
            assertTrue(Double.isFinite(total) && total > 0, losses.toString());
        }
        for (String part : List.of("studentWeights", "runningStats", "teacherWeights")) {
            JsonObject p = r.getAsJsonObject("afterLastStep").getAsJsonObject(part);
            assertEquals(0.0, p.get("maxDiffOverMax").getAsDouble(), part);
            assertTrue(p.get("count").getAsLong() > 0, part);
        }
    }

    @Test
    void bench_tiny_reportsFiniteRates() throws Exception {
        JsonObject r = check("bench", "--conf", TinyExperiment.syntheticConf().getPath(),
                "--data", dir.resolve("data").toString(), "--warmup", "1", "--steps", "2", "--gemm", "128");
        assertEquals("mit_b0", r.get("encoder").getAsString());
        for (String k : List.of("medianMs", "gflopPerStep", "gflops", "gemmGflops")) {
            double v = r.get(k).getAsDouble();
            assertTrue(Double.isFinite(v) && v > 0, k + " = " + v);
        }
        assertEquals(2, r.get("steps").getAsInt());
    }

    @Test
    void ring_twoRankJvms_endIdentical() throws Exception {
        JsonObject r = check("ring", "--device", "cpu", "--iters", "2", "--conf",
                TinyExperiment.syntheticConf().getPath(), "--data", dir.resolve("data").toString());
        assertTrue(r.get("replicasIdentical").getAsBoolean(), r.toString());
        assertEquals(2, r.getAsJsonArray("ranks").size());
        for (var rank : r.getAsJsonArray("ranks")) {
            assertTrue(Double.isFinite(rank.getAsJsonObject().get("lastTotalLoss").getAsDouble()), r.toString());
        }
    }

    @Test
    void toJson_escapesStringsAndWritesNonFiniteNumbersAsStrings() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("check", "x");
        json.put("note", "quote \" backslash \\ newline \n");
        json.put("nan", Double.NaN);
        JsonObject parsed = JsonParser.parseString(DeviceChecks.toJson(json)).getAsJsonObject();
        assertEquals("quote \" backslash \\ newline \n", parsed.get("note").getAsString());
        assertEquals("NaN", parsed.get("nan").getAsString());
    }
}
