package dev.cluda.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One (row, seed) run of a study as its directory shows it.
 *
 * @param dir the run directory, {@code <out>/<row>/seed<k>}
 * @param iterations the run's {@code train.iters}
 * @param eval the final evaluation, or null while the run is not finished
 * @param teacherPseudoLabels the last {@code pl_mIoU.teacher} in metrics.jsonl, NaN if none was logged
 * @param studentPseudoLabels the last {@code pl_mIoU.student}, NaN if none was logged
 */
public record StudyRun(StudyPlan.Row row, int seed, String dir, long iterations, EvalResult eval,
                       double teacherPseudoLabels, double studentPseudoLabels) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A run is finished when its eval.json is that of its last iteration. */
    public boolean finished() {
        return eval != null;
    }

    /** Reads what {@code dir} holds of the run. */
    static StudyRun read(FileStore store, StudyPlan.Row row, int seed, String dir, long iterations) throws IOException {
        String evalJson = store.resolve(dir, EvalJson.FILE_NAME);
        EvalResult eval = null;
        if (store.exists(evalJson)) {
            EvalResult e = EvalJson.read(store, evalJson);
            eval = e.iter() == iterations ? e : null;
        }
        double teacher = Double.NaN;
        double student = Double.NaN;
        String metrics = store.resolve(dir, "metrics.jsonl");
        if (eval != null && store.exists(metrics)) {
            String text;
            try (var in = store.open(metrics)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String line : text.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = JSON.readTree(line);
                    if (node.hasNonNull("pl_mIoU.teacher")) {
                        teacher = node.get("pl_mIoU.teacher").asDouble();
                        student = node.path("pl_mIoU.student").asDouble(Double.NaN);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(metrics + " has a line that is not JSON", e);
                }
            }
        }
        return new StudyRun(row, seed, dir, iterations, eval, teacher, student);
    }
}
