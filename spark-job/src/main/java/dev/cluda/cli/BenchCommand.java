package dev.cluda.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.HadoopFileStore;
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
        subcommands = {BenchCommand.Step.class, BenchCommand.AllReduce.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (step, allreduce)");
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

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CludaConfig config = CludaConfig.from(configOptions.load());
            PrintWriter err = spec.commandLine().getErr();
            StepBenchmark.Result r = StepBenchmark.run(config, HadoopFileStore.fromEnvironment(), warmup, steps, rssEvery,
                    line -> {
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

        @Option(names = "--repeats", defaultValue = "5", description = "timed repetitions, median reported (default ${DEFAULT-VALUE})")
        int repeats;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println(dev.cluda.comm.AllReduceBenchmark.run(ranks, floats, repeats).toJson());
            out.flush();
            return 0;
        }
    }
}
