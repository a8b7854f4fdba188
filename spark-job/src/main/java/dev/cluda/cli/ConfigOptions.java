package dev.cluda.cli;

import dev.cluda.config.Settings;
import dev.cluda.jobs.ConfigFiles;
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
        return ConfigFiles.load(config, overrides);
    }
}
