package dev.cluda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.cli.TinyTrain;
import dev.cluda.config.CludaConfig;
import dev.cluda.jobs.ConfigFiles;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/zeppelin/cluda.zpln} against Zeppelin's note format (0.10 and later, as its
 * {@code Note}, {@code Paragraph} and {@code Job} classes serialize; the tutorial notes under
 * {@code notebook/} of apache/zeppelin show it), its first paragraph against the settings
 * {@code deploy/cluda-submit.sh} gives every JVM, and its {@code %spark} paragraphs against the API:
 * every call on {@link CludaApi} and on the records it returns must name a public method with a
 * matching number of arguments, so the note cannot drift from the API; and its training overrides
 * must make a valid configuration.
 */
class ZeppelinNoteTest {

    private static final Path ROOT = TinyTrain.syntheticConf().getParent().getParent();
    private static final Path NOTE = ROOT.resolve("deploy/zeppelin/cluda.zpln");

    /** Zeppelin's {@code Job.Status}. */
    private static final Set<String> STATUSES = Set.of("UNKNOWN", "READY", "PENDING", "RUNNING", "FINISHED",
            "ERROR", "ABORT");
    /** Zeppelin's note date format ({@code GsonNoteParser}). */
    private static final DateTimeFormatter DATES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    /** The editor of each interpreter the note uses. */
    private static final Map<String, String> EDITOR_MODES = Map.of("%spark.conf", "ace/mode/text",
            "%md", "ace/mode/markdown", "%spark", "ace/mode/scala");
    /** An interpreter directive opening a paragraph: {@code %spark}, {@code %spark.conf}, {@code %md}. */
    private static final Pattern DIRECTIVE = Pattern.compile("^(%[A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)?)(\\s|$)");
    /** Zeppelin's rule for properties passed to the interpreter process as environment variables. */
    private static final Pattern ENVIRONMENT = Pattern.compile("[A-Z_0-9]+");

    private static JsonNode note() throws IOException {
        return new ObjectMapper().readTree(NOTE.toFile());
    }

    @Test
    void note_hasZeppelinsNoteFields() throws IOException {
        JsonNode note = note();
        assertTrue(note.path("paragraphs").isArray() && !note.path("paragraphs").isEmpty(), "paragraphs");
        for (String field : List.of("name", "id", "defaultInterpreterGroup", "version")) {
            assertTrue(note.path(field).isTextual() && !note.path(field).asText().isBlank(), field);
        }
        for (String field : List.of("noteParams", "noteForms", "angularObjects", "config", "info")) {
            assertTrue(note.path(field).isObject(), field);
        }
        assertTrue(note.path("id").asText().matches("[A-Z0-9]{9}"), "a note id as Zeppelin makes them");
        assertEquals("spark", note.path("defaultInterpreterGroup").asText());
    }

    @Test
    void paragraphs_haveZeppelinsParagraphFieldsAndUniqueIds() throws IOException {
        Set<String> ids = new HashSet<>();
        for (JsonNode p : note().path("paragraphs")) {
            String id = p.path("id").asText();
            assertTrue(p.path("id").isTextual() && !id.isBlank(), "id of " + p);
            assertTrue(ids.add(id), "paragraph id " + id + " is used twice");
            for (String field : List.of("text", "title", "user", "jobName", "status", "dateCreated", "dateUpdated")) {
                assertTrue(p.path(field).isTextual(), field + " of " + id);
            }
            for (String field : List.of("config", "settings", "runtimeInfos")) {
                assertTrue(p.path(field).isObject(), field + " of " + id);
            }
            assertTrue(p.path("apps").isArray(), "apps of " + id);
            assertTrue(p.path("progressUpdateIntervalMs").isInt() && p.path("progress").isInt(), "numbers of " + id);
            assertTrue(p.path("settings").path("params").isObject() && p.path("settings").path("forms").isObject(),
                    "settings.params and settings.forms of " + id);
            assertTrue(p.path("config").path("editorSetting").isObject(), "config.editorSetting of " + id);
            assertTrue(p.path("config").path("results").isObject(), "config.results of " + id);
            assertTrue(STATUSES.contains(p.path("status").asText()), "status of " + id);
            LocalDateTime.parse(p.path("dateCreated").asText(), DATES);
            LocalDateTime.parse(p.path("dateUpdated").asText(), DATES);
            assertFalse(p.has("results"), "the note ships without outputs: " + id);
        }
    }

    @Test
    void everyParagraph_opensWithAnInterpreterDirectiveAndItsEditor() throws IOException {
        for (JsonNode p : note().path("paragraphs")) {
            Matcher m = DIRECTIVE.matcher(p.path("text").asText());
            assertTrue(m.find(), "no interpreter directive at the start of " + p.path("id"));
            assertEquals(EDITOR_MODES.get(m.group(1)), p.path("config").path("editorMode").asText(),
                    "editor of " + m.group(1) + " in " + p.path("id"));
        }
    }

    @Test
    void firstParagraph_setsTheJarJavaOptionsAndLibtorchForDriverAndExecutors() throws IOException {
        List<String> directives = new ArrayList<>();
        for (JsonNode p : note().path("paragraphs")) {
            directives.add(p.path("text").asText().split("\\s", 2)[0]);
        }
        assertEquals("%spark.conf", directives.get(0), "the settings come first");
        assertEquals(1, directives.stream().filter("%spark.conf"::equals).count());
        Map<String, String> conf = sparkConf(note().path("paragraphs").get(0).path("text").asText());

        assertTrue(conf.getOrDefault("spark.jars", "").endsWith(".jar"), conf.toString());
        String submit = Files.readString(ROOT.resolve("deploy/cluda-submit.sh"));
        Matcher opens = Pattern.compile("(?m)^opens=\"([^\"]+)\"").matcher(submit);
        assertTrue(opens.find(), "deploy/cluda-submit.sh sets opens=\"...\"");
        List<String> options = Arrays.asList(opens.group(1).split("\\s+"));
        assertTrue(options.contains("-Dai.djl.offline=true"));
        for (String key : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
            List<String> given = Arrays.asList(conf.getOrDefault(key, "").split("\\s+"));
            assertTrue(given.containsAll(options), key + " lacks some of cluda-submit.sh's options: " + given);
        }
        for (String variable : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "DJL_CACHE_DIR")) {
            assertTrue(ENVIRONMENT.matcher(variable).matches());
            assertTrue(conf.containsKey(variable), variable + " for the driver (an environment variable)");
            assertEquals(conf.get(variable), conf.get("spark.executorEnv." + variable), variable + " for executors");
        }
        Matcher version = Pattern.compile("spark\\.executorEnv\\.PYTORCH_VERSION=(\\S+)").matcher(submit);
        assertTrue(version.find());
        assertEquals(version.group(1), conf.get("PYTORCH_VERSION"), "the libtorch of the jar's JNI");
    }

    @Test
    void sparkParagraphs_callOnlyWhatTheApiHas() throws IOException {
        String scala = sparkCode();
        ScalaCalls calls = ScalaCalls.check(scala);
        assertEquals(List.of(), calls.problems);
        assertTrue(calls.called.containsAll(List.of("CludaApi.on", "CludaApi.synth", "CludaApi.train",
                "CludaApi.evaluate", "CludaApi.predict", "CludaApi.report", "Report.iframe")), calls.called.toString());
        assertTrue(scala.contains("CludaApi.on(spark)"), "the notebook's own session");
    }

    @Test
    void theNotesOverrides_areAValidConfiguration() throws IOException {
        String scala = sparkCode();
        Matcher seq = Pattern.compile("val tiny = Seq\\(([^)]*)\\)").matcher(scala);
        assertTrue(seq.find(), "the note's overrides: val tiny = Seq(...)");
        List<String> overrides = new ArrayList<>();
        Matcher literal = Pattern.compile("\"([^\"]*)\"(\\s*\\+\\s*data)?").matcher(seq.group(1));
        while (literal.find()) {
            overrides.add(literal.group(1) + (literal.group(2) == null ? "" : "/tmp/cluda-notebook/synthetic"));
        }
        CludaConfig config = CludaConfig.from(ConfigFiles.load(TinyTrain.syntheticConf().toString(), overrides));
        assertEquals("/tmp/cluda-notebook/synthetic", config.data().target().root());
        assertTrue(config.train().iters() <= 500, "a short run: " + config.train().iters() + " iterations");
        assertEquals(1, config.ranks(), "in the driver");
    }

    @Test
    void scalaCalls_findAMisspeltMethodAWrongArgumentCountAndAnUnknownMember() {
        ScalaCalls calls = ScalaCalls.check("""
                val cluda = CludaApi.on(spark).overwriting()
                val run = cluda.trian("conf", "out")
                val report = cluda.report("run", "more")
                println(s"${cluda.evaluate("run").mIoU} and ${report.pages}")
                val ok = cluda.train("conf", "out", tiny: _*)
                println(ok.runDir + ok.eval.mIoU + "ok.nothing")
                """);
        assertEquals(List.of("CludaApi has no public method trian with 2 argument(s)",
                "CludaApi has no public method report with 2 argument(s)"), calls.problems);
        assertTrue(calls.called.containsAll(List.of("CludaApi.evaluate", "EvalResult.mIoU", "TrainResult.eval")),
                calls.called.toString());
        ScalaCalls member = ScalaCalls.check("val r = CludaApi.on(spark).report(\"x\")\nprintln(r.pages)\n");
        assertEquals(List.of("Report has no public method pages with no argument list"), member.problems);
    }

    /** The code of the {@code %spark} paragraphs, in order, their directives left out. */
    private static String sparkCode() throws IOException {
        StringBuilder scala = new StringBuilder();
        for (JsonNode p : note().path("paragraphs")) {
            String text = p.path("text").asText();
            if (text.startsWith("%spark\n") || text.startsWith("%spark ")) {
                scala.append(text.substring("%spark".length())).append('\n');
            }
        }
        return scala.toString();
    }

    /** The {@code name value} lines of a {@code %spark.conf} paragraph, comments and blank lines left out. */
    private static Map<String, String> sparkConf(String text) {
        Map<String, String> conf = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("%")) {
                continue;
            }
            String[] kv = trimmed.split("\\s+", 2);
            assertEquals(2, kv.length, "a setting without a value: " + line);
            assertFalse(conf.containsKey(kv[0]), kv[0] + " is set twice");
            conf.put(kv[0], kv[1]);
        }
        return conf;
    }

    /**
     * The calls of Scala code on {@link CludaApi}, resolved by reflection: {@code CludaApi.x(...)},
     * and every chain {@code v.x(...).y} on a {@code val v} bound to such a call, followed as far
     * as the types are the project's ({@code dev.cluda}). Comments are skipped, and of string
     * literals only the {@code ${...}} of interpolated ones are read. Enough for the note's code,
     * not a Scala parser: no triple-quoted strings, one {@code val} per name.
     */
    static final class ScalaCalls {

        private static final Pattern VAL = Pattern.compile("\\bval\\s+(\\w+)\\s*=\\s*");
        private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([A-Za-z_]\\w*)(?=\\s*\\.)");

        final List<String> problems = new ArrayList<>();
        final Set<String> called = new TreeSet<>();
        private final Map<String, Class<?>> vals = new LinkedHashMap<>();
        private final String code;

        private ScalaCalls(String code) {
            this.code = code;
        }

        static ScalaCalls check(String scala) {
            assertFalse(scala.contains("\"\"\""), "triple-quoted strings are not read");
            ScalaCalls calls = new ScalaCalls(readable(scala));
            Matcher val = VAL.matcher(calls.code);
            while (val.find()) {
                Class<?> type = calls.resolve(val.end(), new ArrayList<>());
                if (type != null) {
                    calls.vals.put(val.group(1), type);
                }
            }
            List<String> problems = new ArrayList<>();
            Matcher id = IDENTIFIER.matcher(calls.code);
            while (id.find()) {
                calls.resolve(id.start(1), problems);
            }
            calls.problems.addAll(problems.stream().distinct().toList());
            return calls;
        }

        /**
         * Follows the chain starting at {@code at}: its type after the last member that resolved
         * to one of the project's classes, or null if it does not start at {@code CludaApi} or a
         * known val. Members that do not resolve go to {@code problems}.
         */
        private Class<?> resolve(int at, List<String> problems) {
            Matcher head = Pattern.compile("[A-Za-z_]\\w*").matcher(code);
            if (!head.find(at) || head.start() != at) {
                return null;
            }
            boolean statics = head.group().equals("CludaApi");
            Class<?> type = statics ? CludaApi.class : vals.get(head.group());
            int i = head.end();
            while (type != null) {
                int dot = skipSpaces(i);
                if (dot >= code.length() || code.charAt(dot) != '.') {
                    return type;
                }
                Matcher name = Pattern.compile("[A-Za-z_]\\w*").matcher(code);
                if (!name.find(dot + 1) || name.start() != dot + 1) {
                    return type;
                }
                int open = skipSpaces(name.end());
                int args = -1;
                i = name.end();
                if (open < code.length() && code.charAt(open) == '(') {
                    int close = closing(open);
                    args = countArguments(code.substring(open + 1, close));
                    i = close + 1;
                }
                Method method = method(type, statics, name.group(), args);
                if (method == null) {
                    problems.add(type.getSimpleName() + " has no public method " + name.group()
                            + (args < 0 ? " with no argument list" : " with " + args + " argument(s)"));
                    return null;
                }
                called.add(type.getSimpleName() + "." + name.group());
                statics = false;
                Class<?> next = method.getReturnType();
                if (!next.getName().startsWith("dev.cluda.")) {
                    return null; // a String, a java.util.List: Scala's and Java's own members from here on
                }
                type = next;
            }
            return null;
        }

        /** A public method of {@code type} callable with {@code args} arguments (-1: none and no parentheses). */
        private static Method method(Class<?> type, boolean statics, String name, int args) {
            for (Method m : type.getMethods()) {
                int params = m.getParameterCount();
                boolean fits = args < 0 ? params == 0
                        : params == args || m.isVarArgs() && args >= params - 1;
                if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers()) == statics && fits) {
                    return m;
                }
            }
            return null;
        }

        /** The arguments between a call's parentheses: top-level commas plus one, 0 when empty. */
        private static int countArguments(String inside) {
            if (inside.isBlank()) {
                return 0;
            }
            int depth = 0;
            int count = 1;
            for (char c : inside.toCharArray()) {
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    count++;
                }
            }
            return count;
        }

        private int closing(int open) {
            int depth = 0;
            for (int i = open; i < code.length(); i++) {
                char c = code.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return i;
                }
            }
            throw new AssertionError("unbalanced parentheses after: " + code.substring(open));
        }

        private int skipSpaces(int i) {
            while (i < code.length() && (code.charAt(i) == ' ' || code.charAt(i) == '\t')) {
                i++;
            }
            return i;
        }

        /**
         * The code with comments removed, plain string literals as {@code ""} and interpolated ones
         * as {@code ""} followed by their {@code ${...}} expressions, each in parentheses.
         */
        static String readable(String scala) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < scala.length()) {
                char c = scala.charAt(i);
                if (c == '/' && i + 1 < scala.length() && scala.charAt(i + 1) == '/') {
                    while (i < scala.length() && scala.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '"') {
                    boolean interpolated = i > 0 && Character.isLetter(scala.charAt(i - 1));
                    StringBuilder expressions = new StringBuilder();
                    i++;
                    while (i < scala.length() && scala.charAt(i) != '"') {
                        if (scala.charAt(i) == '\\') {
                            i += 2;
                        } else if (interpolated && scala.startsWith("${", i)) {
                            int depth = 0;
                            int start = i + 2;
                            for (i = i + 1; i < scala.length(); i++) {
                                if (scala.charAt(i) == '{') {
                                    depth++;
                                } else if (scala.charAt(i) == '}' && --depth == 0) {
                                    break;
                                }
                            }
                            expressions.append(" (").append(scala, start, i).append(')');
                            i++;
                        } else {
                            i++;
                        }
                    }
                    i++;
                    out.append("\"\"").append(expressions);
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString();
        }
    }
}
