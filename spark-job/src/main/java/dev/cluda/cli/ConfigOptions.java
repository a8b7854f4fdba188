package dev.cluda.cli;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.Settings;
import dev.cluda.io.FileStore;
import dev.cluda.jobs.CheckpointLocation;
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

    /** A checkpoint and the configuration its model is built from. */
    record CheckpointAndConfig(CheckpointLocation location, CludaConfig config) {
    }

    /**
     * Resolves {@code checkpoint} (a run directory or an {@code iter_*.ckpt}) and its configuration:
     * {@code --config} with {@code --set} when given, else the run's {@code config.conf} with {@code --set}.
     */
    CheckpointAndConfig forCheckpoint(FileStore store, String checkpoint) throws IOException {
        CheckpointLocation location = CheckpointLocation.resolve(store, checkpoint);
        return new CheckpointAndConfig(location, CludaConfig.from(location.loadConfig(store, config, overrides)));
    }
}
