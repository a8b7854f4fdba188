package dev.cluda.jobs;

import dev.cluda.config.ConfigLoader;
import dev.cluda.config.Settings;
import dev.cluda.io.HadoopFileStore;
import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * The experiment configuration a command ({@code --config}) or a notebook names, read on the
 * driver: a local path directly, a Hadoop URI ({@code s3a://}, {@code hdfs://}) through the
 * driver's store ({@link HadoopFileStore#forDriver()}), with the credentials the run's data is read with.
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * Parses the configuration once; callers build their typed records from the result.
     *
     * @param config a local path or Hadoop URI, or null for the defaults alone
     * @param overrides {@code key=value} settings applied in order (later ones win)
     * @throws IOException naming the file, if it cannot be read or parsed
     */
    public static Settings load(String config, List<String> overrides) throws IOException {
        if (config == null || !config.contains("://")) {
            return ConfigLoader.load(config == null ? null : new File(config), overrides);
        }
        return ConfigLoader.load(HadoopFileStore.forDriver(), config, overrides);
    }
}
