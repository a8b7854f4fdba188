package dev.cluda.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.cluda.config.ConfigLoader;
import dev.cluda.config.Settings;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cluda explain}: every configuration key with its meaning, default and effective value. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "List every configuration key with its meaning, its default and the value in effect.")
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = configOptions.load();
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
            String now = settings.config().getValue(key).render(ConfigRenderOptions.concise());
            out.println(key + " = " + now + (now.equals(def) ? "" : "    # default " + def));
        }
        out.flush();
        return 0;
    }
}
