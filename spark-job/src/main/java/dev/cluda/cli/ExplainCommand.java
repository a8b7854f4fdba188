package dev.cluda.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cluda explain}: every configuration key with its meaning, the value in effect, where that
 * value came from (file and line, or {@code --set}) and the default; the configuration is validated
 * as a run would validate it.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "List every configuration key with its meaning, its default and the value in effect.")
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Settings settings = configOptions.load();
        CludaConfig.from(settings); // types and ranges checked as a run would: a bad value is exit 2 here too
        Config defaults = ConfigLoader.defaults();
        PrintWriter out = spec.commandLine().getOut();
        Map<String, ConfigValue> keys = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
            keys.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, ConfigValue> e : keys.entrySet()) {
            String key = e.getKey();
            for (String comment : e.getValue().origin().comments()) {
                out.println("# " + comment.trim());
            }
            String def = e.getValue().render(ConfigRenderOptions.concise());
            ConfigValue value = settings.config().getValue(key);
            String now = value.render(ConfigRenderOptions.concise());
            out.println(key + " = " + now + (now.equals(def) && isDefault(value.origin()) ? ""
                    : "    # from " + where(value.origin()) + ", default " + def));
        }
        out.flush();
        return 0;
    }

    private static boolean isDefault(ConfigOrigin origin) {
        return origin.resource() != null && origin.resource().endsWith("defaults.conf");
    }

    /** "conf/synthetic.conf:14", "--set train.iters" or "defaults". */
    private static String where(ConfigOrigin origin) {
        if (isDefault(origin)) {
            return "defaults";
        }
        if (origin.filename() != null) {
            return origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
        }
        return origin.description().replaceFirst(": \\d+$", ""); // a --set value is parsed as a one-line text
    }
}
