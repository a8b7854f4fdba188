package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.synth.SynthSpec;
import dev.cluda.synth.SynthSummary;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluda synth}: writes the synthetic domain-shift benchmark ({@code synth.*} keys) in the
 * GTA5 layout (source, {@code OUT/gta5}) and the Cityscapes layout (target, {@code OUT/cityscapes}).
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate the synthetic domain-shift benchmark (GTA5-layout source, Cityscapes-layout target).")
final class SynthCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--out", paramLabel = "DIR",
            description = "benchmark folder (local path or Hadoop URI); default: data.source.root")
    String out;

    @Option(names = "--overwrite", description = "replace a folder that holds a different benchmark or other files")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CludaConfig config = CludaConfig.from(configOptions.load());
        SynthSpec synth = config.synth();
        String dir = out != null ? out : config.data().source().root();
        FileStore store = HadoopFileStore.forDriver();
        PrintWriter console = spec.commandLine().getOut();
        Optional<SynthSummary> written = SyntheticBenchmarkWriter.writeUnlessPresent(synth, store, dir, overwrite,
                line -> {
                    console.println("synth: " + line);
                    console.flush();
                });
        if (written.isPresent()) {
            SynthSummary summary = written.get();
            console.println(summary.describe());
            console.printf(Locale.ROOT, "synth: wrote %d images to %s in %.1f s%n", summary.images(), dir,
                    summary.seconds());
            console.flush();
        }
        return 0;
    }
}
