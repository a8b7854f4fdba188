package dev.cluda.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    @TempDir
    Path dir;

    @Test
    void log_writesContractKeys() throws IOException {
        String path = dir.resolve("metrics.jsonl").toString();
        MetricsLog log = MetricsLog.create(new LocalFileStore(), path);
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("ce_source", 1.5);
        losses.put("cl_mix", 0.25);
        log.log(10, 6e-5, losses, 0.4, 0.9, Map.of("grad_norm", 2.0));
        log.flush();
        List<String> lines = Files.readAllLines(Path.of(path));
        assertEquals(1, lines.size());
        JsonNode node = new ObjectMapper().readTree(lines.get(0));
        assertEquals(10, node.get("iter").asLong());
        assertEquals(6e-5, node.get("lr").asDouble(), 0);
        assertEquals(1.5, node.get("loss.ce_source").asDouble(), 0);
        assertEquals(0.25, node.get("loss.cl_mix").asDouble(), 0);
        assertEquals(0.4, node.get("sec_per_iter").asDouble(), 0);
        assertEquals(0.9, node.get("pseudo_conf").asDouble(), 0);
        assertEquals(2.0, node.get("grad_norm").asDouble(), 0);
    }

    @Test
    void resume_dropsEntriesAtOrAfterTheCheckpoint() throws IOException {
        LocalFileStore store = new LocalFileStore();
        String path = dir.resolve("metrics.jsonl").toString();
        MetricsLog log = MetricsLog.create(store, path);
        for (int i = 0; i < 5; i++) {
            log.log(i * 10, 0, Map.of(), 0, 0, Map.of());
        }
        log.flush();
        MetricsLog resumed = MetricsLog.resume(store, path, 30);
        assertEquals(3, resumed.size());
        resumed.log(30, 0, Map.of(), 0, 0, Map.of());
        resumed.flush();
        assertEquals(4, Files.readAllLines(Path.of(path)).size());
    }

    @Test
    void annotate_addsTheKeyToThatIterationsLineOnly() throws IOException {
        String path = dir.resolve("metrics.jsonl").toString();
        MetricsLog log = MetricsLog.create(new LocalFileStore(), path);
        log.log(9, 0, Map.of("ce_source", 1.0), 0.1, 0.5, Map.of());
        log.log(19, 0, Map.of("ce_source", 0.5), 0.1, 0.5, Map.of());
        org.junit.jupiter.api.Assertions.assertTrue(log.annotate(9, "mIoU", 42.5));
        org.junit.jupiter.api.Assertions.assertFalse(log.annotate(29, "mIoU", 1.0));
        log.flush();
        List<String> lines = Files.readAllLines(Path.of(path));
        ObjectMapper json = new ObjectMapper();
        assertEquals(42.5, json.readTree(lines.get(0)).get("mIoU").asDouble(), 0);
        assertEquals(1.0, json.readTree(lines.get(0)).get("loss.ce_source").asDouble(), 0);
        org.junit.jupiter.api.Assertions.assertFalse(json.readTree(lines.get(1)).has("mIoU"));
    }
}
