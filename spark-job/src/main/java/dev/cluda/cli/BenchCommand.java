package dev.cluda.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.DatasetConfig;
import dev.cluda.config.DatasetConfig.ResolvedDataset;
import dev.cluda.dataset.SyntheticDatasets;
import dev.cluda.error.UserInputException;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.SparkSessions;
import dev.cluda.jobs.StatsBenchmark;
import dev.cluda.ndarray.GemmRate;
import dev.cluda.comm.AllReduceBenchmark;
import dev.cluda.train.OperatorTrace;
import dev.cluda.train.StepBenchmark;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cluda bench}: measurements that go into docs/BENCHMARKS.md, one JSON line each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure speed and memory; each subcommand prints one JSON line.",
        subcommands = {BenchCommand.Step.class, BenchCommand.Gemm.class, BenchCommand.Stats.class,
            BenchCommand.AllReduce.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a benchmark is required (step, gemm, stats, allreduce)");
    }

    /** {@code cluda bench step}: median time of the training iteration. */
    @Command(name = "step", mixinStandardHelpOptions = true,
            description = "Time the training iteration (data, CLUDA step, AdamW): median and min of --steps after --warmup.")
    static final class Step implements Callable<Integer> {

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--steps", defaultValue = "20", description = "timed iterations (default ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--warmup", defaultValue = "3", description = "untimed iterations first (default ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--rss-every", defaultValue = "0",
                description = "also report the resident set size every N timed iterations (default: only at the end)")
        int rssEvery;

        @Option(names = "--gemm", defaultValue = "2048", paramLabel = "N",
                description = "first measure the fp32 GEMM rate of N x N matrices in this process, the ceiling the "
                        + "step's GFLOP/s is compared with (default ${DEFAULT-VALUE}; 0 skips it)")
        int gemm;

        @Option(names = "--profile", description = "time each phase of the step (mean ms per step)")
        boolean profile;

        @Option(names = "--trace", paramLabel = "FILE",
                description = "record every libtorch operator of the timed steps (forward and backward, with shapes)"
                        + " as a Chrome trace in FILE, and print the operators taking the most time")
        java.nio.file.Path trace;

        /** Operators listed from a trace, by self time per step. */
        private static final int TRACE_TOP = 15;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CludaConfig config = CludaConfig.from(configOptions.load());
            PrintWriter err = spec.commandLine().getErr();
            StepBenchmark.Result r = StepBenchmark.run(config, HadoopFileStore.local(),
                    new StepBenchmark.Options(warmup, steps, rssEvery, gemm, profile, trace), line -> {
                        err.println(line);
                        err.flush();
                    });
            ObjectMapper json = new ObjectMapper();
            ObjectNode node = json.createObjectNode();
            node.put("encoder", r.encoder());
            node.put("encoder_params", r.encoderParams());
            node.put("total_params", r.totalParams());
            node.put("median_ms", Math.round(r.medianMs() * 10) / 10.0);
            node.put("min_ms", Math.round(r.minMs() * 10) / 10.0);
            node.put("steps", r.steps());
            node.put("warmup", r.warmup());
            ObjectNode rss = node.putObject("rss_mb");
            r.rssMb().forEach((step, mb) -> rss.put(Integer.toString(step), Math.round(mb)));
            r.peakRssMb().ifPresent(mb -> node.put("peak_rss_mb", Math.round(mb)));
            node.put("gflop_per_step", round(r.flops().total() / 1e9, 2));
            node.put("gflops", round(r.gflops(), 1));
            if (r.gemm() != null) {
                node.put("gemm_gflops", round(r.gemm().gflops(), 1));
                node.put("share_of_gemm", round(r.gflops() / r.gemm().gflops(), 3));
            }
            ObjectNode flops = node.putObject("gflop_by_part");
            r.flops().parts().forEach((part, f) -> flops.put(part, round(f / 1e9, 3)));
            if (profile) {
                ObjectNode phases = node.putObject("profile_ms");
                r.profileMs().forEach((phase, ms) -> phases.put(phase, round(ms, 1)));
            }
            if (trace != null) {
                node.put("trace", trace.toString());
                ObjectNode top = node.putObject("trace_self_ms");
                OperatorTrace.bySelfTime(trace).stream().limit(TRACE_TOP).forEach(op ->
                        top.put(op.name(), round(op.selfMs() / r.steps(), 1)));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(json.writeValueAsString(node));
            out.flush();
            return 0;
        }
    }

    /** {@code threads | processes}, case-insensitive. */
    static final class LayoutConverter implements picocli.CommandLine.ITypeConverter<AllReduceBenchmark.Layout> {
        @Override
        public AllReduceBenchmark.Layout convert(String value) {
            for (AllReduceBenchmark.Layout layout : AllReduceBenchmark.Layout.values()) {
                if (layout.name().equalsIgnoreCase(value)) {
                    return layout;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("expected threads or processes, got '" + value + "'");
        }
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    /** {@code cluda bench gemm}: the fp32 matrix-multiply rate of the running libtorch on this process's device. */
    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "fp32 GEMM rate (GFLOP/s) of the running libtorch on this process's device: N x N times N x N, "
                    + "median of --repeats after 2 untimed ones.")
    static final class Gemm implements Callable<Integer> {

        @Option(names = "--size", defaultValue = "2048", paramLabel = "N", description = "matrix side (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--repeats", defaultValue = "10", description = "timed multiplications (default ${DEFAULT-VALUE})")
        int repeats;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (size < 1 || repeats < 1) {
                throw new UserInputException("--size and --repeats must be >= 1");
            }
            GemmRate rate;
            try (NDManager manager = NDManager.newBaseManager()) {
                rate = GemmRate.measure(manager, size, 2, repeats);
                ObjectNode node = new ObjectMapper().createObjectNode();
                node.put("device", manager.getDevice().toString());
                node.put("n", rate.n());
                node.put("repeats", rate.repetitions());
                node.put("gflops", round(rate.gflops(), 1));
                node.put("best_gflops", round(rate.bestGflops(), 1));
                node.put("threads", Runtime.getRuntime().availableProcessors());
                spec.commandLine().getOut().println(node);
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    /** {@code cluda bench stats}: images/s of the rare-class statistics job and of one thread, same data. */
    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Images/s of the rare-class statistics computation as the Spark job (default local[2]) and on "
                    + "one thread, over the same dataset: median of --repeats after one untimed run of each.")
    static final class Stats implements Callable<Integer> {

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--dataset", defaultValue = "source", paramLabel = "source|target",
                description = "the dataset of the configuration (default ${DEFAULT-VALUE})")
        String dataset;

        @Option(names = "--master", defaultValue = "local[2]", paramLabel = "URL",
                description = "Spark master of the timed job (default ${DEFAULT-VALUE}); a session already running in "
                        + "this JVM is used as it is")
        String master;

        @Option(names = "--repeats", defaultValue = "3", description = "timed runs of each (default ${DEFAULT-VALUE})")
        int repeats;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CludaConfig config = CludaConfig.from(configOptions.load());
            boolean asSource = StatsCommand.isSource(dataset);
            DatasetConfig data = asSource ? config.data().source() : config.data().target();
            ResolvedDataset resolved = data.resolve(asSource);
            PrintWriter err = spec.commandLine().getErr();
            StatsBenchmark.Result r;
            try (SparkSessions.Lease lease = SparkSessions.open(master, "cluda bench stats")) {
                SyntheticDatasets.ensure(config, data, new HadoopFileStore(
                        lease.session().sparkContext().hadoopConfiguration()), StatsCommand.printer(err));
                r = StatsBenchmark.run(lease.session(), resolved.kind(), resolved.root(), data.split(), repeats);
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode node = json.createObjectNode();
            node.put("images", r.images());
            node.put("spark_images_per_s", Math.round(r.sparkImagesPerSecond() * 10) / 10.0);
            node.put("single_thread_images_per_s", Math.round(r.singleThreadImagesPerSecond() * 10) / 10.0);
            node.put("master", r.master());
            node.put("repeats", r.repeats());
            node.put("spark_s", Math.round(r.sparkSeconds() * 1000) / 1000.0);
            node.put("single_thread_s", Math.round(r.singleThreadSeconds() * 1000) / 1000.0);
            PrintWriter out = spec.commandLine().getOut();
            out.println(json.writeValueAsString(node));
            out.flush();
            return 0;
        }
    }

    /** {@code cluda bench allreduce}: TCP ring all-reduce throughput on loopback against a raw socket copy. */
    @Command(name = "allreduce", mixinStandardHelpOptions = true,
            description = "All-reduce M floats across N ranks (threads) over the TCP ring on loopback, and a raw"
                    + " socket copy of the same bytes; Gbps of one rank's payload.")
    static final class AllReduce implements Callable<Integer> {

        @Option(names = "--ranks", defaultValue = "2", description = "ranks, >= 2 (default ${DEFAULT-VALUE})")
        int ranks;

        @Option(names = "--floats", defaultValue = "4194304", description = "floats per rank (default ${DEFAULT-VALUE})")
        int floats;

        @Option(names = "--repeats", defaultValue = "5",
                description = "timed repetitions, median reported (default ${DEFAULT-VALUE})")
        int repeats;

        @Option(names = "--layout", defaultValue = "threads", paramLabel = "threads|processes",
                converter = LayoutConverter.class,
                description = "ranks as threads of this JVM, or one JVM each as Spark executors are"
                        + " (default ${DEFAULT-VALUE})")
        AllReduceBenchmark.Layout layout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println(AllReduceBenchmark.run(ranks, floats, repeats, layout).toJson());
            out.flush();
            return 0;
        }
    }
}
