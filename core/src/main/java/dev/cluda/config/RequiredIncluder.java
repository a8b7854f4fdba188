package dev.cluda.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseable;
import java.io.File;

/**
 * HOCON's includes are optional unless written {@code include required(...)}: a misspelled base
 * would silently fall back to the paper-scale defaults (MiT-B5, 40k iterations). This includer
 * makes every include required, so a missing base is an error naming it.
 */
final class RequiredIncluder implements ConfigIncluder, ConfigIncluderFile {

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        ConfigParseable parseable = context.relativeTo(what);
        if (parseable == null) {
            throw new ConfigException.BadPath(what, "include \"" + what + "\" cannot be resolved");
        }
        return parseable.parse(context.parseOptions().setAllowMissing(false));
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File file) {
        return ConfigFactory.parseFile(file, context.parseOptions().setAllowMissing(false)).root();
    }
}
