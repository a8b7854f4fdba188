package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportHookTest {

    @TempDir
    Path dir;

    @Test
    void keySettings_dataModelScheduleAndTheUdaSwitches() {
        Map<String, String> s = ReportHook.keySettings(TinyExperiment.config(dir, "mic.enabled=true",
                "mic.lambda=0.5", "uda.fd.enabled=true"));
        assertEquals(List.of("data", "encoder", "iterations", "crop", "self-training (uda.enabled)",
                "feature distance (uda.fd.enabled)", "contrastive.source", "contrastive.mixed",
                "contrastive from iteration", "masked consistency (mic.enabled)"), List.copyOf(s.keySet()));
        assertEquals("synthetic → synthetic (evaluation split val)", s.get("data"));
        assertEquals("mit_b0, single resolution", s.get("encoder"));
        assertEquals("4 (batch 2, seed 1, 1 rank)", s.get("iterations"));
        assertEquals("64 × 64", s.get("crop"));
        assertEquals("on, weight 0.1", s.get("contrastive.source"));
        assertEquals("on, λ 0.5", s.get("masked consistency (mic.enabled)"));
    }

    @Test
    void keySettings_contrastOff_noStartIteration() {
        Map<String, String> s = ReportHook.keySettings(TinyExperiment.config(dir, "contrastive.source=false",
                "contrastive.mixed=false"));
        assertEquals("off", s.get("contrastive.source"));
        assertEquals(null, s.get("contrastive from iteration"));
    }
}
