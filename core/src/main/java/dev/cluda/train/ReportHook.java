package dev.cluda.train;

import ai.djl.ndarray.NDManager;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ContrastiveConfig;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import dev.cluda.rundir.PaperResults;
import dev.cluda.rundir.RunReport;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code report.html} (rank 0), after the metrics line, checkpoint and evaluation of an iteration
 * are written: after each evaluation with fresh sample predictions, and after each checkpoint
 * with the curves so far, the latest evaluation and the samples already predicted. A resumed run
 * starts from the evaluation in {@code eval.json} (when it is not past the restored checkpoint)
 * and predicts its samples once, at its first refresh; the curves stop at the iteration just done,
 * so lines the interrupted run logged past its checkpoint never show.
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
    private final CludaConfig config;
    private final Clock clock;
    private EvalResult shown;
    private List<RunReport.Panel> panels;
    private long panelsAfter;

    /** @param previous the evaluation a resumed run starts from (its {@code eval.json}), or null */
    ReportHook(TrainingSession session, TrainingData data, EvaluationHook evaluation, NDManager manager,
               FileStore store, String runDir, CludaConfig config, Clock clock, EvalResult previous) {
        this.session = session;
        this.data = data;
        this.evaluation = evaluation;
        this.manager = manager;
        this.store = store;
        this.runDir = runDir;
        this.config = config;
        this.clock = clock;
        this.shown = previous;
    }

    @Override
    public void afterIteration(Iteration it) throws IOException {
        Optional<EvalResult> fresh = evaluation.after(it.index());
        if (fresh.isPresent()) {
            shown = fresh.get();
            predictPanels(it);
        } else if (!it.due(config.train().checkpointInterval())) {
            return;
        } else if (panels == null) {
            predictPanels(it); // once per process: the first refresh of a run, fresh or resumed
        }
        RunReport.builder()
                .setHeader(new RunReport.Header(RunReport.runName(runDir), clock.instant(), keySettings(config), config.render()))
                .optEvaluation(shown)
                .optPanels(panels, panelsAfter)
                .optLossWeights(session.lossWeights())
                .optPaperRows(PaperResults.forRun(config.data().source().type(), config.data().target().type(),
                        config.hrda().enabled()))
                .optIterationsDone(it.done())
                .build().write(store, runDir);
    }

    private void predictPanels(Iteration it) throws IOException {
        panels = new ArrayList<>();
        for (SampleRef ref : data.evalSamples().subList(0, Math.min(PANELS, data.evalSamples().size()))) {
            Optional<Sample> sample = data.readEval(ref);
            if (sample.isPresent() && sample.get().trainIds() != null) {
                Sample s = sample.get();
                panels.add(new RunReport.Panel(ref.id(), s.image(), s.trainIds(),
                        evaluation.evaluator().predict(session.student(), manager, s.image())));
            }
        }
        panelsAfter = it.done();
    }

    /** The settings a reader of the page asks for first: data, model, schedule and the UDA switches. */
    static Map<String, String> keySettings(CludaConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("data", config.data().source().type() + " → " + config.data().target().type()
                + " (evaluation split " + config.data().evalSplit() + ")");
        out.put("encoder", config.model().spec().encoder() + (config.hrda().enabled() ? ", HRDA multi-resolution"
                : ", single resolution"));
        out.put("iterations", String.format(Locale.ROOT, "%d (batch %d, seed %d, %d rank%s)", config.train().iters(),
                config.train().batchSize(), config.train().seed(), config.ranks(), config.ranks() == 1 ? "" : "s"));
        out.put("crop", config.train().cropWidth() + " × " + config.train().cropHeight());
        out.put("self-training (uda.enabled)", onOff(config.uda().enabled()));
        out.put("feature distance (uda.fd.enabled)", config.uda().fdEnabled()
                ? "on, λ " + number(config.uda().fdLambda()) : "off");
        ContrastiveConfig cl = config.contrastive();
        out.put("contrastive.source", cl.source() ? "on, weight " + number(cl.sourceWeight()) : "off");
        out.put("contrastive.mixed", cl.mixed() ? "on, weight " + number(cl.mixedWeight()) : "off");
        if (cl.source() || cl.mixed()) {
            out.put("contrastive from iteration", Long.toString(cl.startIteration()));
        }
        out.put("masked consistency (mic.enabled)", config.mic().enabled()
                ? "on, λ " + number(config.mic().lambda()) + (config.mic().contrastive() ? ", with contrast" : "")
                : "off");
        return out;
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
