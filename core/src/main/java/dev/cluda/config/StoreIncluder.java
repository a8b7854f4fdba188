package dev.cluda.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Includes of a configuration that lives behind a {@link FileStore} (an {@code s3a://} or
 * {@code hdfs://} URI): {@code include "base.conf"} is read beside the including file through the
 * store, and is required, as {@link RequiredIncluder} makes local includes.
 */
final class StoreIncluder implements ConfigIncluder {

    private final FileStore store;
    private final String location;

    private StoreIncluder(FileStore store, String location) {
        this.store = store;
        this.location = location;
    }

    /** Parses the configuration at {@code location} with its includes read through {@code store}. */
    static Config parse(FileStore store, String location) throws IOException {
        String text;
        try (InputStream in = store.open(location)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(location)
                .setAllowMissing(false).setIncluder(new StoreIncluder(store, location)));
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        String path = what.contains("://") ? what : sibling(what);
        try {
            if (!store.exists(path)) {
                throw new ConfigException.BadPath(what, "include \"" + what + "\" of " + location
                        + " does not exist (looked for " + path + ")");
            }
            return parse(store, path).root();
        } catch (IOException e) {
            throw new UncheckedIOException("include \"" + what + "\" of " + location + " cannot be read", e);
        }
    }

    /** {@code name} in the folder of the including file. */
    private String sibling(String name) {
        int slash = location.lastIndexOf('/');
        return slash < 0 ? name : location.substring(0, slash + 1) + name;
    }
}
