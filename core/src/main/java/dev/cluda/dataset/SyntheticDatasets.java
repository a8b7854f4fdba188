package dev.cluda.dataset;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig;
import dev.cluda.io.FileStore;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The synthetic benchmark a configuration names ({@code data.*.type = synthetic}), generated when
 * its folder lacks one written for {@code synth.*}; training, {@code cluda stats} and
 * {@code cluda bench stats} all go through {@link #ensure}, so they regenerate alike.
 */
public final class SyntheticDatasets {

    /** The rare-class statistics files (reference §3) a regenerated benchmark makes stale. */
    private static final List<String> STATISTICS = List.of(ClassStatisticsFiles.SAMPLE_CLASS_STATS,
            ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT, ClassStatisticsFiles.SAMPLES_WITH_CLASS,
            ClassStatisticsFiles.COUNTS_TABLE);

    private SyntheticDatasets() {
    }

    /**
     * Writes the synthetic benchmark of {@code config.synth()} to {@code dataset.root()} unless the
     * dataset is not synthetic or the folder already holds that benchmark. Rare-class statistics
     * left in the benchmark's source and target folders by an earlier benchmark are deleted first.
     *
     * @param log receives one line, {@code "generating the synthetic benchmark in <root>"}, before
     *     a benchmark is written; callers add their own prefix
     * @throws IllegalArgumentException if the folder holds files that are not a benchmark of the same image counts
     * @throws IOException naming the file that could not be deleted or written
     */
    public static void ensure(CludaConfig config, DatasetConfig dataset, FileStore store, Consumer<String> log)
            throws IOException {
        if (!dataset.isSynthetic() || SyntheticBenchmarkWriter.matches(config.synth(), store, dataset.root())) {
            return;
        }
        log.accept("generating the synthetic benchmark in " + dataset.root());
        // an earlier benchmark's statistics name the same files: drop them first (a cut-short write regenerates)
        for (String root : List.of(dataset.resolve(true).root(), dataset.resolve(false).root())) {
            for (String name : STATISTICS) {
                String path = store.resolve(root, name);
                if (store.exists(path)) {
                    store.deleteRecursively(path);
                }
            }
        }
        SyntheticBenchmarkWriter.write(config.synth(), store, dataset.root());
    }
}
