package dev.cluda.jobs;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig;
import dev.cluda.dataset.SyntheticDatasets;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Every sample a run will read, decoded and checked in Spark jobs before training starts
 * ({@code data.checkAtStart}): the source split, the target training images (labels optional, the
 * target is unlabelled in self-training) and the target evaluation split. Under
 * {@code data.onBadSample = fail} a bad file stops the run here, named, before anything is
 * written; under {@code skip} the bad samples are reported and the loaders skip them later.
 */
public final class TrainingDataCheck {

    private TrainingDataCheck() {
    }

    /**
     * @throws SampleTable.BadSamplesException under {@code fail}, naming the dataset and the files
     */
    public static void run(SparkSession spark, CludaConfig config, FileStore store, Consumer<String> log)
            throws IOException {
        SyntheticDatasets.ensure(config, config.data().source(), store, m -> log.accept("data: " + m));
        SyntheticDatasets.ensure(config, config.data().target(), store, m -> log.accept("data: " + m));
        if (!config.data().evalRoot().isBlank()) {
            SyntheticDatasets.ensure(config, config.data().evalDataset(), store, m -> log.accept("data: " + m));
        }
        check(spark, config, "source", config.data().source(), true, config.data().source().split(), true, log);
        if (config.uda().enabled()) {
            check(spark, config, "target train", config.data().target(), false, config.data().target().split(), false,
                    log);
        }
        check(spark, config, "target " + config.data().evalSplit(), config.data().evalDataset(), false,
                config.data().evalSplit(), true, log);
    }

    private static void check(SparkSession spark, CludaConfig config, String what, DatasetConfig dataset,
                              boolean asSource, String split, boolean labelsRequired, Consumer<String> log)
            throws IOException {
        DatasetConfig.ResolvedDataset resolved = dataset.resolve(asSource);
        SampleTable table;
        try {
            table = SampleTable.build(spark, resolved.kind(), resolved.root(), split, config.data().onBadSample(),
                    labelsRequired);
        } catch (SampleTable.BadSamplesException e) {
            throw new SampleTable.BadSamplesException(what + ": " + e.getMessage(), e.problems());
        }
        String skipped = table.problemSummary();
        log.accept(String.format("data: %s: %d samples checked%s", what, table.size(),
                skipped.isEmpty() ? "" : "; " + skipped));
    }
}
