package dev.cluda.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.cluda.io.FileStore;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Loads an experiment: the built-in defaults ({@code dev/cluda/config/defaults.conf}, every key
 * with its meaning), overlaid by the experiment file (which may {@code include} bases), overlaid
 * by {@code --set key=value} overrides. A key that the defaults do not know is an error naming
 * the key and the file, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {

    static final String DEFAULTS_RESOURCE = "dev/cluda/config/defaults.conf";

    private ConfigLoader() {
    }

    /** The defaults alone. */
    public static Config defaults() {
        return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /**
     * Loads {@code file} (null for defaults only) with {@code overrides} of the form
     * {@code key=value}.
     */
    public static Settings load(File file, List<String> overrides) {
        Config experiment = ConfigFactory.empty();
        if (file != null) {
            if (!file.isFile()) {
                throw new ConfigError("config file " + file + " does not exist or is not a file");
            }
            try {
                experiment = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)
                        .setIncluder(new RequiredIncluder()));
            } catch (ConfigException e) {
                throw new ConfigError("config file " + file + " cannot be parsed: " + e.getMessage(), e);
            }
        }
        return merge(experiment, file == null ? "the configuration" : "config file " + file, overrides);
    }

    /**
     * Loads the configuration at {@code location}, a local path or any URI {@code store} reads
     * ({@code s3a://bucket/exp.conf}); its relative includes are read beside it through the store.
     * Null {@code location}: the defaults with {@code overrides}.
     */
    public static Settings load(FileStore store, String location, List<String> overrides) throws IOException {
        if (location == null) {
            return load((File) null, overrides);
        }
        Optional<java.nio.file.Path> local = store.localPath(location);
        if (local.isPresent()) {
            return load(local.get().toFile(), overrides);
        }
        if (!store.exists(location)) {
            throw new ConfigError("config file " + location + " does not exist");
        }
        Config experiment;
        try {
            experiment = StoreIncluder.parse(store, location);
        } catch (ConfigException e) {
            throw new ConfigError("config file " + location + " cannot be parsed: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // an include that exists but cannot be read: retryable I/O
        }
        return merge(experiment, "config file " + location, overrides);
    }

    /**
     * Parses a configuration given as text, e.g. the {@link #render rendered} configuration that a
     * data-parallel rank receives, over the defaults.
     *
     * @param origin where the text came from, named in errors (e.g. "the driver's configuration")
     */
    public static Settings parse(String text, String origin) {
        Config experiment;
        try {
            experiment = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(origin));
        } catch (ConfigException e) {
            throw new ConfigError(origin + " cannot be parsed: " + e.getMessage(), e);
        }
        return merge(experiment, origin, List.of());
    }

    private static Settings merge(Config experiment, String where, List<String> overrides) {
        Config defaults = defaults();
        Config cli = parseOverrides(overrides);
        rejectUnknownKeys(experiment, defaults, where);
        rejectUnknownKeys(cli, defaults, "--set");
        try {
            Config merged = cli.withFallback(experiment).withFallback(defaults).resolve();
            return new Settings(merged);
        } catch (ConfigException e) {
            throw new ConfigError("configuration cannot be resolved: " + e.getMessage(), e);
        }
    }

    /**
     * Renders a resolved configuration as HOCON for {@code config.conf}: values only, without
     * origin comments, so the file reads as the configuration that ran and loads back unchanged.
     */
    public static String render(Config config) {
        return config.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    private static Config parseOverrides(List<String> overrides) {
        Config cli = ConfigFactory.empty();
        List<String> items = overrides == null ? List.of() : overrides;
        for (int i = items.size() - 1; i >= 0; i--) {
            String item = items.get(i);
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError("--set expects key=value, got '" + item + "'");
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            try {
                Config one = ConfigFactory.parseString(key + " = " + quoteIfNeeded(value),
                        ConfigParseOptions.defaults().setOriginDescription("--set " + key));
                cli = cli.withFallback(one);
            } catch (ConfigException e) {
                throw new ConfigError("--set " + item + " cannot be parsed: " + e.getMessage(), e);
            }
        }
        return cli;
    }

    private static String quoteIfNeeded(String value) {
        if (value.isEmpty()) {
            return "\"\"";
        }
        // Paths and URIs (s3a://b/k, /tmp/x) are not valid unquoted HOCON; numbers, booleans,
        // lists and quoted strings pass through unchanged.
        if (value.startsWith("\"") || value.startsWith("[") || value.startsWith("{")) {
            return value;
        }
        if (value.matches("[A-Za-z0-9_.+-]+")) {
            return value;
        }
        return ConfigValueQuote.quote(value);
    }

    private static void rejectUnknownKeys(Config config, Config defaults, String where) {
        TreeSet<String> unknown = new TreeSet<>();
        List<String> origins = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
            String key = entry.getKey();
            if (!defaults.hasPathOrNull(key)) {
                if (unknown.add(key)) {
                    String suggestion = closestKey(key, defaults);
                    origins.add(key + " (" + entry.getValue().origin().description() + ")"
                            + (suggestion == null ? "" : " — did you mean " + suggestion + "?"));
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigError(where + " sets unknown configuration key(s): " + String.join(", ", origins)
                    + ". Run 'cluda explain' to list every key with its default.");
        }
    }

    /** The known key nearest to {@code key} by edit distance, if it is close enough to be a typo; else null. */
    static String closestKey(String key, Config defaults) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
            int d = editDistance(key.toLowerCase(java.util.Locale.ROOT), e.getKey().toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = e.getKey();
            }
        }
        // a third of the key's length covers transpositions and a wrong section without suggesting nonsense
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** Levenshtein distance. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** HOCON string quoting. */
    private static final class ConfigValueQuote {
        private ConfigValueQuote() {
        }

        static String quote(String s) {
            return com.typesafe.config.ConfigValueFactory.fromAnyRef(s).render(ConfigRenderOptions.concise());
        }
    }
}
