package dev.cluda.cli;

import dev.cluda.config.ConfigLoader;
import dev.cluda.config.Settings;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config FILE [--set key=value ...]}, shared by every command that reads a configuration. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "experiment configuration (HOCON); defaults are used for keys it does not set")
    File config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override one configuration key (repeatable; later ones win)")
    List<String> overrides = new ArrayList<>();

    /** Parses the configuration once; every command builds its typed records from the result. */
    Settings load() {
        return ConfigLoader.load(config, overrides);
    }
}
