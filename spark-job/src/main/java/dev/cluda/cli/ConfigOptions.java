package dev.cluda.cli;

import dev.cluda.config.ConfigLoader;
import dev.cluda.config.Settings;
import dev.cluda.io.HadoopFileStore;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config FILE [--set key=value ...]}, shared by every command that reads a configuration. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE_OR_URI",
            description = "experiment configuration (HOCON), a local path or any Hadoop URI (s3a://, hdfs://); "
                    + "defaults are used for keys it does not set")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override one configuration key (repeatable; later ones win)")
    List<String> overrides = new ArrayList<>();

    /** Parses the configuration once; every command builds its typed records from the result. */
    Settings load() throws IOException {
        if (config == null || !config.contains("://")) {
            return ConfigLoader.load(config == null ? null : new File(config), overrides);
        }
        // read with the application's Hadoop configuration, as the run's data will be
        return ConfigLoader.load(HadoopFileStore.forDriver(), config, overrides);
    }
}
