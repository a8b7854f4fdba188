package dev.cluda.study;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.cluda.error.UserInputException;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A study: its rows, each trained once per seed. Read from a HOCON file:
 * <pre>
 * study {
 *   title = "..."            # the results page's heading
 *   seeds = [1, 2, 3]        # train.seed of each run
 *   rows = [
 *     { name = daformer, group = main, config = "../synthetic-daformer.conf",
 *       set = ["uda.emaAlpha=0.96"], perClass = true, about = "self-training, no contrast" }
 *     { name = cluda-init-source, config = "../synthetic.conf",
 *       set = ["model.init={out}/source-only/seed{seed}"] }   # each seed starts from its own source-only run
 *   ]
 * }
 * </pre>
 * Runs go seed by seed through the rows in file order, so the first rows of every seed come first.
 *
 * @param file where the plan was read (named in the results page)
 */
public record StudyPlan(String title, List<Integer> seeds, List<Row> rows, String file) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z_]+}");

    /**
     * One row of the study.
     *
     * @param name folder and table name ({@code [a-z0-9._-]})
     * @param group the table it is listed in (e.g. {@code main}, {@code diagnostics})
     * @param config the experiment configuration (in the plan: relative to the plan's folder; here:
     *     relative to the working directory where it lies below it, else absolute)
     * @param set overrides ({@code key=value}) after the configuration, before {@code train.seed};
     *     {@code {seed}} stands for the run's seed and {@code {out}} for the study's folder
     * @param perClass whether the per-class table lists it
     * @param about what the row tests, in a few words
     * @param baseline the row it is compared with seed by seed, or {@code ""} for none
     */
    public record Row(String name, String group, String config, List<String> set, boolean perClass, String about,
                      String baseline) {

        public Row {
            set = List.copyOf(set);
        }

        /** A row without a baseline. */
        public Row(String name, String group, String config, List<String> set, boolean perClass, String about) {
            this(name, group, config, set, perClass, about, "");
        }

        /**
         * The overrides of seed {@code seed}: {@link #set()} with its placeholders filled in, then
         * {@code train.seed}.
         *
         * @param seed the seed (a number, or a symbol such as {@code k} for the results page)
         * @param out the study's folder, which {@code {out}} stands for
         */
        public List<String> overrides(String seed, String out) {
            List<String> all = new ArrayList<>();
            for (String s : set) {
                all.add(s.replace("{seed}", seed).replace("{out}", out));
            }
            all.add("train.seed=" + seed);
            return all;
        }

        /** The {@code cluda train} command that trains seed {@code seed} of this row into {@code runDir}. */
        public String command(String seed, String out, String runDir) {
            StringBuilder b = new StringBuilder("bin/cluda train --config ").append(config);
            for (String s : overrides(seed, out)) {
                b.append(" --set ").append(s);
            }
            return b.append(" --out ").append(runDir).toString();
        }
    }

    public StudyPlan {
        seeds = List.copyOf(seeds);
        rows = List.copyOf(rows);
    }

    /**
     * Reads a plan.
     *
     * @throws UserInputException naming the file and key of anything missing or malformed
     */
    public static StudyPlan load(File file) {
        if (!file.isFile()) {
            throw new UserInputException("study plan " + file + " does not exist or is not a file");
        }
        try {
            Config c = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
            Config study = c.getConfig("study");
            List<Integer> seeds = study.getIntList("seeds");
            if (seeds.isEmpty() || new HashSet<>(seeds).size() != seeds.size()) {
                throw new UserInputException("study plan " + file + ": study.seeds must list distinct seeds, got "
                        + seeds);
            }
            List<Row> rows = new ArrayList<>();
            Set<String> names = new HashSet<>();
            int i = 0;
            for (Config r : study.getConfigList("rows")) {
                String where = "study plan " + file + ": study.rows[" + i++ + "]";
                String name = r.getString("name");
                if (!NAME.matcher(name).matches()) {
                    throw new UserInputException(where + ".name must be lower-case letters, digits, '.', '_' or '-'"
                            + " (it names a folder), got \"" + name + "\"");
                }
                if (!names.add(name)) {
                    throw new UserInputException(where + ".name \"" + name + "\" is used by an earlier row");
                }
                for (String s : r.hasPath("set") ? r.getStringList("set") : List.<String>of()) {
                    if (!s.contains("=")) {
                        throw new UserInputException(where + ".set: \"" + s + "\" is not key=value");
                    }
                    Matcher m = PLACEHOLDER.matcher(s.replace("{seed}", "").replace("{out}", ""));
                    if (m.find()) {
                        throw new UserInputException(where + ".set: \"" + s + "\" has the placeholder " + m.group()
                                + "; a plan knows {seed} (the run's seed) and {out} (the study's folder)");
                    }
                }
                rows.add(new Row(name, r.hasPath("group") ? r.getString("group") : "main",
                        besidePlan(file, r.getString("config")),
                        r.hasPath("set") ? r.getStringList("set") : List.of(),
                        r.hasPath("perClass") && r.getBoolean("perClass"),
                        r.hasPath("about") ? r.getString("about") : "",
                        r.hasPath("baseline") ? r.getString("baseline") : ""));
            }
            if (rows.isEmpty()) {
                throw new UserInputException("study plan " + file + ": study.rows is empty");
            }
            for (int k = 0; k < rows.size(); k++) {
                String baseline = rows.get(k).baseline();
                if (!baseline.isEmpty() && (baseline.equals(rows.get(k).name()) || !names.contains(baseline))) {
                    throw new UserInputException("study plan " + file + ": study.rows[" + k + "].baseline \""
                            + baseline + "\" must name another row of the plan; rows: " + names.stream().sorted().toList());
                }
            }
            return new StudyPlan(study.hasPath("title") ? study.getString("title") : file.getName(), seeds, rows,
                    file.getPath());
        } catch (ConfigException e) {
            throw new UserInputException("study plan " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    /**
     * A row's configuration, written relative to the plan's folder, as a path from the working
     * directory where it lies below it (so commands read {@code conf/synthetic.conf}), else absolute.
     */
    private static String besidePlan(File plan, String config) {
        Path folder = plan.getAbsoluteFile().toPath().getParent();
        Path resolved = folder.resolve(config).normalize();
        Path here = Path.of("").toAbsolutePath();
        return resolved.startsWith(here) ? here.relativize(resolved).toString() : resolved.toString();
    }

    /** The rows whose name or group is in {@code selected} (all rows when it is empty), in plan order. */
    public List<Row> select(List<String> selected) {
        if (selected.isEmpty()) {
            return rows;
        }
        List<Row> out = rows.stream().filter(r -> selected.contains(r.name()) || selected.contains(r.group())).toList();
        for (String s : selected) {
            if (rows.stream().noneMatch(r -> r.name().equals(s) || r.group().equals(s))) {
                throw new UserInputException("--rows: no row or group named \"" + s + "\" in " + file + "; rows: "
                        + rows.stream().map(Row::name).toList());
            }
        }
        return out;
    }
}
