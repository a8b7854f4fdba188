package dev.cluda.cli;

import dev.cluda.error.UserInputException;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig;
import dev.cluda.config.DatasetConfig.ResolvedDataset;
import dev.cluda.data.CityscapesClass;
import dev.cluda.dataset.SyntheticDatasets;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.ClassStatisticsJob;
import dev.cluda.jobs.SparkSessions;
import dev.cluda.uda.ClassStatistics;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluda stats}: the rare-class sampling statistics of a dataset (reference §3) computed by
 * {@link ClassStatisticsJob} and written to the dataset root, where training reads them, or to
 * {@code --out}.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Compute rare-class sampling statistics (per-image class pixels, frequencies, P(c)) as a Spark "
                + "job and write sample_class_stats.json, sample_class_stats_dict.json, samples_with_class.json "
                + "and " + ClassStatisticsFiles.COUNTS_TABLE + ".")
final class StatsCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--dataset", defaultValue = "source", paramLabel = "source|target",
            description = "the dataset of the configuration: data.source.* or data.target.* (default ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--out", paramLabel = "DIR",
            description = "output folder (local path or Hadoop URI); default: the dataset root, where training reads them")
    String out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default: the spark.master system property, else " + SparkSessions.DEFAULT_MASTER)
    String master;

    @Option(names = "--overwrite", description = "replace statistics already in the output folder")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CludaConfig config = CludaConfig.from(configOptions.load());
        boolean asSource = isSource(dataset);
        DatasetConfig data = asSource ? config.data().source() : config.data().target();
        ResolvedDataset resolved = data.resolve(asSource);
        String dir = out != null ? out : resolved.root();
        PrintWriter console = spec.commandLine().getOut();
        long began = System.nanoTime();
        try (SparkSessions.Lease lease = SparkSessions.open(master, "cluda stats")) {
            SparkSession spark = lease.session();
            FileStore store = new HadoopFileStore(spark.sparkContext().hadoopConfiguration());
            SyntheticDatasets.ensure(config, data, store, printer(console));
            String existing = store.resolve(dir, ClassStatisticsFiles.SAMPLE_CLASS_STATS);
            if (!overwrite && store.exists(existing)) {
                throw new UserInputException(existing + " already exists; pass --overwrite to replace the "
                        + "statistics in " + dir);
            }
            ClassStatisticsJob job = new ClassStatisticsJob(spark);
            ClassStatisticsJob.Result result = job.compute(resolved.kind(), resolved.root(), data.split(),
                    config.data().onBadSample());
            if (!result.table().problems().isEmpty()) {
                console.println("stats: " + result.table().problemSummary());
            }
            job.write(result, dir);
            double temperature = config.uda().rcsTemperature();
            long minPixels = config.uda().rcsMinPixels();
            ClassStatistics stats = result.statistics();
            console.print(table(stats, temperature, minPixels));
            List<String> unusable = presentWithoutImages(stats, minPixels);
            if (!unusable.isEmpty()) {
                console.println("stats: warning: present but no image has more than uda.rcs.minPixels = " + minPixels
                        + " pixels of: " + String.join(", ", unusable) + "; rare-class sampling refuses these "
                        + "statistics until uda.rcs.minPixels is lowered");
            }
            console.printf(Locale.ROOT, "stats: %d images (%d skipped) of %s %s, %d of %d classes present, T = %s, "
                            + "minPixels = %d; wrote %s, %s, %s and %s to %s in %.1f s%n",
                    result.images(), result.table().problems().size(), resolved.kind().configName(), resolved.root(),
                    presentClasses(stats), CityscapesClass.COUNT, temperature, minPixels,
                    ClassStatisticsFiles.SAMPLE_CLASS_STATS, ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT,
                    ClassStatisticsFiles.SAMPLES_WITH_CLASS, ClassStatisticsFiles.COUNTS_TABLE, dir,
                    (System.nanoTime() - began) / 1e9);
            console.flush();
        }
        return 0;
    }

    /** {@code --dataset}: true for {@code source}, false for {@code target}. */
    static boolean isSource(String dataset) {
        return switch (dataset.trim().toLowerCase(Locale.ROOT)) {
            case "source" -> true;
            case "target" -> false;
            default -> throw new UserInputException("--dataset must be source or target, got '" + dataset + "'");
        };
    }

    /** A {@link SyntheticDatasets#ensure} log printing to {@code console} at once (generating takes a while). */
    static Consumer<String> printer(PrintWriter console) {
        return message -> {
            console.println("stats: " + message);
            console.flush();
        };
    }

    /** One line per class: pixel share, P(c) at {@code temperature}, images with more than {@code minPixels}. */
    static String table(ClassStatistics stats, double temperature, long minPixels) {
        double[] f = stats.frequencies();
        double[] p = stats.samplingProbabilities(temperature);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-14s %9s %10s %12s%n", "class", "pixels %",
                "P(c)", "images >" + minPixels));
        for (int c = 0; c < CityscapesClass.COUNT; c++) {
            out.append(String.format(Locale.ROOT, "%-14s %8.3f%% %10.3g %12d%s%n",
                    CityscapesClass.ofTrainId(c).displayName(), 100 * f[c], p[c],
                    stats.imagesWithClass(c, minPixels).size(), stats.isPresent(c) ? "" : "  (absent)"));
        }
        return out.toString();
    }

    private static List<String> presentWithoutImages(ClassStatistics stats, long minPixels) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < CityscapesClass.COUNT; c++) {
            if (stats.isPresent(c) && stats.imagesWithClass(c, minPixels).isEmpty()) {
                names.add(CityscapesClass.ofTrainId(c).displayName());
            }
        }
        return names;
    }

    private static int presentClasses(ClassStatistics stats) {
        int n = 0;
        for (int c = 0; c < CityscapesClass.COUNT; c++) {
            n += stats.isPresent(c) ? 1 : 0;
        }
        return n;
    }
}
