package dev.cluda.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Typed, validated reads from a resolved {@link Config}. Every failure becomes a
 * {@link ConfigError} naming the key and where its value came from, so typed config records
 * can be built in one place and never read strings deeper in the code.
 */
public final class Settings {

    private final Config config;

    Settings(Config config) {
        this.config = config;
    }

    /** The underlying resolved configuration (for printing it back into a run directory). */
    public Config config() {
        return config;
    }

    public String string(String key) {
        return read(key, config::getString);
    }

    public int integer(String key, int min, int max) {
        int value = read(key, config::getInt);
        if (value < min || value > max) {
            throw error(key, "must be an integer in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    public long longValue(String key, long min) {
        long value = read(key, config::getLong);
        if (value < min) {
            throw error(key, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    public double number(String key, double min, double max) {
        double value = read(key, config::getDouble);
        if (!(value >= min && value <= max)) {
            throw error(key, "must be a number in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    public boolean flag(String key) {
        return read(key, config::getBoolean);
    }

    public List<Integer> integers(String key) {
        return read(key, config::getIntList);
    }

    /** A lower-case word that must be one of {@code accepted}. */
    public String choice(String key, List<String> accepted) {
        String value = string(key).trim().toLowerCase(Locale.ROOT);
        if (!accepted.contains(value)) {
            throw error(key, "must be one of " + accepted + ", got '" + string(key) + "'");
        }
        return value;
    }

    /** Parses a value with {@code parser}; its IllegalArgumentException message is wrapped with the key. */
    public <T> T parsed(String key, Function<String, T> parser) {
        String raw = string(key);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /** An error about {@code key}, naming where its value was set. */
    public ConfigError error(String key, String problem) {
        return new ConfigError("configuration key '" + key + "' (" + origin(key) + ") " + problem);
    }

    private String origin(String key) {
        if (!config.hasPathOrNull(key)) {
            return "not set";
        }
        ConfigValue value = config.getValue(key);
        return value.origin().description();
    }

    /** The value as written, for error messages. */
    private String rendered(String key) {
        try {
            return config.getValue(key).render(com.typesafe.config.ConfigRenderOptions.concise());
        } catch (ConfigException e) {
            return "(unreadable)";
        }
    }

    /** Where {@code key}'s value came from: "file.conf: 12", "--set key", or "default". */
    public String originOf(String key) {
        return origin(key);
    }

    private <T> T read(String key, Function<String, T> getter) {
        try {
            return getter.apply(key);
        } catch (ConfigException.Missing e) {
            throw new ConfigError("configuration key '" + key + "' is missing; add it to the config file or pass --set "
                    + key + "=VALUE", e);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw new ConfigError("configuration key '" + key + "' (" + origin(key) + ") has the wrong type: got "
                    + rendered(key) + "; " + e.getMessage(), e);
        }
    }
}
