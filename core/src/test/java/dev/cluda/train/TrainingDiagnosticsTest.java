package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.config.CludaConfig;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalResult;
import dev.cluda.data.CityscapesClass;
import dev.cluda.io.LocalFileStore;
import dev.cluda.model.ModelParameters;
import dev.cluda.model.SegmentationModel;
import dev.cluda.rundir.CheckpointStore;
import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence diagnostics in {@code metrics.jsonl}: pseudo-label quality of teacher and student
 * ({@code eval.pseudoLabelImages}) against an independent scoring of the saved weights, and the
 * per-term gradient norms ({@code debug.gradientNorms}) on the logged iterations only.
 */
@IntegrationTest
class TrainingDiagnosticsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    @Test
    void run_withDiagnostics_logsPseudoLabelQualityMatchingTheSavedTeacherAndStudent() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "eval.interval=2",
                "eval.pseudoLabelImages=3", "debug.gradientNorms=true");
        String run = dir.resolve("run").toString();
        new Trainer(config, store, run, new Trainer.Listener() { }).run(false);

        List<JsonNode> lines = lines(run);
        assertEquals(List.of(1L, 3L), lines.stream().map(l -> l.get("iter").asLong()).toList());
        for (JsonNode line : lines) {
            for (String term : List.of("ce_source", "cl_source", "ce_mixed", "cl_mixed")) {
                for (String part : List.of("encoder", "head")) {
                    double norm = line.path("grad." + term + "." + part).asDouble(-1);
                    assertTrue(norm > 0 && Double.isFinite(norm), "grad." + term + "." + part + " in " + line);
                }
            }
            for (String who : List.of("teacher", "student")) {
                double m = line.path("pl_mIoU." + who).asDouble(-1);
                assertTrue(m >= 0 && m <= 100, "pl_mIoU." + who + " in " + line);
            }
        }

        // scored again from the last checkpoint's weights, image by image, on the same first 3 target-train images
        JsonNode last = lines.get(1);
        try (NDManager m = NDManager.newBaseManager()) {
            CheckpointStore.Checkpoint c = new CheckpointStore(store, run, 2).loadLatest(m).orElseThrow();
            assertEquals(4, c.nextIteration());
            TrainingData data = TrainingData.prepare(config, store, null, s -> { });
            assertEquals(3, data.pseudoLabelSamples().size());
            assertEquals(last.get("pl_mIoU.teacher").asDouble(), score(config, data, c, "teacher", m), 1e-6);
            assertEquals(last.get("pl_mIoU.student").asDouble(), score(config, data, c, "student", m), 1e-6);
        }
    }

    @Test
    void run_defaults_logNeitherDiagnostic() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "eval.interval=2");
        String run = dir.resolve("plain").toString();
        new Trainer(config, store, run, new Trainer.Listener() { }).run(false);
        for (JsonNode line : lines(run)) {
            line.fieldNames().forEachRemaining(k -> assertFalse(k.startsWith("grad.") || k.startsWith("pl_mIoU"),
                    k + " logged without being asked for"));
            assertTrue(line.has("mIoU"), line.toString());
        }
    }

    private static double score(CludaConfig config, TrainingData data, CheckpointStore.Checkpoint c, String part,
                                NDManager m) throws IOException {
        SegmentationModel model = SegmentationModel.createInitialized(config.model().spec(), 1, m);
        ModelParameters.load(model, c.parts().get(part), part);
        model.setDropoutEnabled(false);
        ConfusionMatrix matrix = new ConfusionMatrix(CityscapesClass.COUNT);
        for (SampleRef ref : data.pseudoLabelSamples()) {
            Sample s = data.targetLoader().read(ref).orElseThrow();
            TrainingComponents.evaluator(config).accumulate(model, m, s, matrix);
        }
        return EvalResult.of(4, data.pseudoLabelSamples().size(), matrix).mIoU();
    }

    private static List<JsonNode> lines(String run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(run, "metrics.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }
}
