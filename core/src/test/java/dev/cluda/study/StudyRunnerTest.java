package dev.cluda.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.LocalFileStore;
import dev.cluda.io.RunDirectoryLock;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.train.TinyExperiment;
import dev.cluda.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A two-seed study of the tiny experiment: trained once, never rerun, an unfinished run completed. */
@IntegrationTest
class StudyRunnerTest {

    @TempDir
    Path dir;

    @Test
    void run_trainsEachSeedOnce_andCompletesOnlyWhatIsUnfinished() throws IOException {
        StudyPlan.Row row = sourceOnlyRow();
        StudyPlan plan = new StudyPlan("tiny", List.of(1, 2), List.of(row), "plan.conf");
        String out = dir.resolve("runs").toString();
        StudyRunner runner = new StudyRunner(plan, plan.rows(), out, new LocalFileStore());
        List<String> messages = new ArrayList<>();
        List<Integer> reported = new ArrayList<>();
        StudyRunner.Listener listener = recording(messages, reported);

        assertEquals(2, runner.run(listener, new Trainer.Listener() { }));
        assertEquals(List.of(1, 2), reported);
        List<StudyRun> state = runner.state();
        assertTrue(state.stream().allMatch(StudyRun::finished), state.toString());
        assertEquals(4, state.get(0).eval().iter());
        // the seed reached the configuration: different seeds, different weights, different scores
        assertTrue(Files.readString(Path.of(state.get(1).dir(), "config.conf")).contains("seed = 2")
                || Files.readString(Path.of(state.get(1).dir(), "config.conf")).contains("seed=2"));

        Path eval1 = Path.of(runner.dir(row, 1), "eval.json");
        long written = Files.getLastModifiedTime(eval1).toMillis();
        assertEquals(0, runner.run(listener, new Trainer.Listener() { }), "a finished run was rerun");
        assertEquals(written, Files.getLastModifiedTime(eval1).toMillis());

        // seed 2 killed after its last checkpoint and before its evaluation: completed, not restarted
        Files.delete(Path.of(runner.dir(row, 2), "eval.json"));
        assertTrue(!runner.state().get(1).finished());
        messages.clear();
        assertEquals(1, runner.run(listener, new Trainer.Listener() { }));
        assertTrue(messages.stream().anyMatch(m -> m.contains("source-only seed 2: resuming")), messages.toString());
        assertTrue(runner.state().get(1).finished());
        assertEquals(2, Files.readAllLines(Path.of(runner.dir(row, 2), "metrics.jsonl")).size());
    }

    /** Two study processes can share one plan: a run another holds is skipped, the rest trained. */
    @Test
    void run_runDirectoryHeldByAnotherProcess_skipsItAndTrainsTheOthers() throws IOException {
        StudyPlan.Row row = sourceOnlyRow();
        StudyPlan plan = new StudyPlan("tiny", List.of(1, 2), List.of(row), "plan.conf");
        LocalFileStore store = new LocalFileStore();
        StudyRunner runner = new StudyRunner(plan, plan.rows(), dir.resolve("runs").toString(), store);
        List<String> messages = new ArrayList<>();
        StudyRunner.Listener listener = recording(messages, new ArrayList<>());
        try (RunDirectoryLock other = RunDirectoryLock.acquire(store, runner.dir(row, 1))) {
            assertEquals(1, runner.run(listener, new Trainer.Listener() { }));
        }
        assertTrue(messages.stream().anyMatch(m -> m.contains("seed 1: another process is training")), messages.toString());
        assertTrue(!runner.state().get(0).finished() && runner.state().get(1).finished(), runner.state().toString());
        assertEquals(1, runner.run(listener, new Trainer.Listener() { }), "once free, the skipped run is trained");
    }

    /** {out} and {seed} in a row's overrides: each seed starts from the same seed of an earlier row. */
    @Test
    void run_placeholders_initialiseEachSeedFromItsOwnEarlierRun() throws IOException {
        StudyPlan.Row source = sourceOnlyRow();
        List<String> set = new ArrayList<>(source.set());
        set.add("model.init={out}/source-only/seed{seed}");
        StudyPlan.Row init = new StudyPlan.Row("init-source", "main", source.config(), set, false, "tiny", "source-only");
        StudyPlan plan = new StudyPlan("tiny", List.of(1, 2), List.of(source, init), "plan.conf");
        String out = dir.resolve("runs").toString();
        StudyRunner runner = new StudyRunner(plan, plan.rows(), out, new LocalFileStore());

        assertEquals(4, runner.run(recording(new ArrayList<>(), new ArrayList<>()), new Trainer.Listener() { }));
        for (int seed : List.of(1, 2)) {
            String written = Files.readString(Path.of(runner.dir(init, seed), "config.conf"));
            assertTrue(written.contains(Path.of(out, "source-only", "seed" + seed).toString()), written);
        }
        assertTrue(runner.state().stream().allMatch(StudyRun::finished), runner.state().toString());
    }

    private StudyPlan.Row sourceOnlyRow() {
        List<String> set = TinyExperiment.overrides(dir.resolve("synthetic"), "uda.enabled=false",
                "contrastive.source=false", "contrastive.mixed=false");
        return new StudyPlan.Row("source-only", "main", TinyExperiment.syntheticConf().getPath(), set, true, "tiny");
    }

    /** Collects the messages and the seeds of finished runs, each of which must be finished. */
    private static StudyRunner.Listener recording(List<String> messages, List<Integer> finishedSeeds) {
        return new StudyRunner.Listener() {
            @Override
            public void message(String line) {
                messages.add(line);
            }

            @Override
            public void runFinished(StudyRun run, List<StudyRun> all) {
                finishedSeeds.add(run.seed());
                assertTrue(run.finished(), run.toString());
            }
        };
    }
}
