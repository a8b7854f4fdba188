package dev.cluda.train;

import ai.djl.ndarray.NDManager;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.rundir.RunReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code report.html} after each evaluation (rank 0): the curves of {@code metrics.jsonl}, so it
 * runs after the metrics line of that iteration is written, the per-class table and the first
 * evaluation images' predictions beside their ground truth.
 */
final class ReportHook implements TrainingHook {

    /** Samples shown in the report. */
    private static final int PANELS = 3;

    private final TrainingSession session;
    private final TrainingData data;
    private final EvaluationHook evaluation;
    private final NDManager manager;
    private final FileStore store;
    private final String runDir;

    ReportHook(TrainingSession session, TrainingData data, EvaluationHook evaluation, NDManager manager,
               FileStore store, String runDir) {
        this.session = session;
        this.data = data;
        this.evaluation = evaluation;
        this.manager = manager;
        this.store = store;
        this.runDir = runDir;
    }

    @Override
    public void afterIteration(Iteration it) throws IOException {
        Optional<EvalResult> eval = evaluation.after(it.index());
        if (eval.isEmpty()) {
            return;
        }
        List<RunReport.Panel> panels = new ArrayList<>();
        for (SampleRef ref : data.evalSamples().subList(0, Math.min(PANELS, data.evalSamples().size()))) {
            Optional<Sample> sample = data.readEval(ref);
            if (sample.isPresent() && sample.get().trainIds() != null) {
                Sample s = sample.get();
                panels.add(new RunReport.Panel(ref.id(), s.image(), s.trainIds(),
                        evaluation.evaluator().predict(session.student(), manager, s.image())));
            }
        }
        RunReport.write(store, runDir, eval.get(), panels);
    }
}
