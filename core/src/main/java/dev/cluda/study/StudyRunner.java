package dev.cluda.study;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.io.FileStore;
import dev.cluda.io.RunDirectoryLock;
import dev.cluda.train.Trainer;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trains the runs of a study one after another, seed by seed through the rows, into
 * {@code <out>/<row>/seed<k>}: a finished run is never rerun, an interrupted one resumes from its
 * latest checkpoint. Every configuration is parsed and checked before the first run starts.
 */
public final class StudyRunner {

    /** Progress of the study. */
    public interface Listener {
        default void message(String line) {
        }

        /** After each run that trained (not after skipped ones), with every run's state. */
        default void runFinished(StudyRun run, List<StudyRun> all) throws IOException {
        }
    }

    private final List<StudyPlan.Row> rows;
    private final List<Integer> seeds;
    private final String out;
    private final FileStore store;
    private final List<CludaConfig> configs = new ArrayList<>();

    /**
     * @param rows the rows to train (a selection of the plan's)
     * @throws IllegalArgumentException (a user error) for a row whose configuration is not valid
     */
    public StudyRunner(StudyPlan plan, List<StudyPlan.Row> rows, String out, FileStore store) {
        this.rows = List.copyOf(rows);
        this.seeds = plan.seeds();
        this.out = out;
        this.store = store;
        for (int seed : seeds) {
            for (StudyPlan.Row row : this.rows) {
                configs.add(config(row, seed, out));
            }
        }
    }

    /** The configuration of seed {@code seed} of {@code row}: its file, its overrides, then the seed. */
    static CludaConfig config(StudyPlan.Row row, int seed, String out) {
        return CludaConfig.from(ConfigLoader.load(new File(row.config()), row.overrides(String.valueOf(seed), out)));
    }

    /** Where seed {@code seed} of {@code row} runs. */
    public String dir(StudyPlan.Row row, int seed) {
        return store.resolve(store.resolve(out, row.name()), "seed" + seed);
    }

    /** Every run's state, seed by seed through the rows. */
    public List<StudyRun> state() throws IOException {
        List<StudyRun> all = new ArrayList<>();
        int i = 0;
        for (int seed : seeds) {
            for (StudyPlan.Row row : rows) {
                all.add(StudyRun.read(store, row, seed, dir(row, seed), configs.get(i++).train().iters()));
            }
        }
        return all;
    }

    /** Trains every unfinished run; returns how many trained. */
    public int run(Listener listener, Trainer.Listener training) throws IOException {
        int trained = 0;
        int i = 0;
        for (int seed : seeds) {
            for (StudyPlan.Row row : rows) {
                CludaConfig config = configs.get(i++);
                String dir = dir(row, seed);
                if (StudyRun.read(store, row, seed, dir, config.train().iters()).finished()) {
                    continue;
                }
                boolean resume = store.exists(dir);
                Optional<RunDirectoryLock> held = RunDirectoryLock.tryAcquire(store, dir);
                if (held.isEmpty()) {
                    // another study process trains it: several processes can share one plan
                    listener.message(String.format("study: %s seed %d: another process is training %s; skipped",
                            row.name(), seed, dir));
                    continue;
                }
                listener.message(String.format("study: %s seed %d: %s in %s", row.name(), seed,
                        resume ? "resuming" : "training", dir));
                try (RunDirectoryLock lock = held.get()) {
                    new Trainer(config, store, dir, training).run(resume);
                }
                trained++;
                StudyRun done = StudyRun.read(store, row, seed, dir, config.train().iters());
                listener.message(String.format("study: %s seed %d: mIoU %.2f", row.name(), seed,
                        done.finished() ? done.eval().mIoU() : Double.NaN));
                listener.runFinished(done, state());
            }
        }
        return trained;
    }
}
