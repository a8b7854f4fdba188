package dev.cluda.cli;

import dev.cluda.eval.EvalResult;
import dev.cluda.io.LocalFileStore;
import dev.cluda.study.ResultsPage;
import dev.cluda.study.StudyPlan;
import dev.cluda.study.StudyRun;
import dev.cluda.study.StudyRunner;
import dev.cluda.train.Trainer;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluda study}: trains a study's rows × seeds in this process, one run after another, and
 * writes its results page; resumable (finished runs are never rerun).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Train a study (rows x seeds, e.g. conf/studies/evidence.conf) one run after another in this "
                + "process and write its results page (mean ± std per row, per-class IoU, chart). Finished runs are "
                + "never rerun; an interrupted one resumes from its checkpoint.")
final class StudyCommand implements Callable<Integer> {

    @Option(names = "--plan", required = true, paramLabel = "FILE", description = "the study plan (HOCON)")
    File plan;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "local folder of the runs: <out>/<row>/seed<k>")
    String out;

    @Option(names = "--results", defaultValue = "docs/RESULTS.md", paramLabel = "FILE",
            description = "the results page (default: ${DEFAULT-VALUE}); the chart is written beside it")
    Path results;

    @Option(names = "--chart", defaultValue = "results.png", paramLabel = "NAME",
            description = "file name of the chart beside the results page (default: ${DEFAULT-VALUE})")
    String chart;

    @Option(names = "--rows", split = ",", paramLabel = "NAME",
            description = "train only these rows or groups (comma-separated); the page still lists every row")
    List<String> rows = new ArrayList<>();

    @Option(names = "--report-only", description = "train nothing; rewrite the results page from the runs in --out")
    boolean reportOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        StudyPlan study = StudyPlan.load(plan);
        LocalFileStore store = new LocalFileStore();
        // every configuration is checked before the first run trains
        StudyRunner all = new StudyRunner(study, study.rows(), out, store);
        StudyRunner selected = new StudyRunner(study, study.select(rows), out, store);
        ResultsPage page = new ResultsPage(study, "bin/cluda study --plan " + plan.getPath() + " --out " + out, out);
        page.write(all.state(), results, chart);
        if (!reportOnly) {
            int trained = selected.run(new StudyRunner.Listener() {
                @Override
                public void message(String line) {
                    console.println(line);
                    console.flush();
                }

                @Override
                public void runFinished(StudyRun run, List<StudyRun> state) throws IOException {
                    page.write(all.state(), results, chart);
                }
            }, new Trainer.Listener() {
                @Override
                public void message(String line) {
                    console.println("  " + line);
                    console.flush();
                }

                @Override
                public void evaluated(EvalResult result) {
                    console.println(String.format(Locale.ROOT, "  eval: iteration %d, mIoU %.2f", result.iter(),
                            result.mIoU()));
                    console.flush();
                }
            });
            console.println("study: " + trained + " run(s) trained");
        }
        List<StudyRun> state = all.state();
        long finished = state.stream().filter(StudyRun::finished).count();
        console.println("study: " + finished + " of " + state.size() + " runs finished; results in " + results);
        return 0;
    }
}
