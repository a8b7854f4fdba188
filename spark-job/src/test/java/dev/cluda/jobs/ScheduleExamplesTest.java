package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.cli.Cluda;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * deploy/schedule: the cron entry and the Airflow DAG call {@code cluda retrain} with options the
 * command line accepts, and the DAG passes the JVM options the submit wrapper passes. The DAG runs
 * under Python with stand-in airflow modules that record what the operator was given.
 */
class ScheduleExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void cron_entryIsFiveFieldsAndAValidRetrainCommand() throws IOException {
        List<String> entries = Files.readAllLines(DeployScripts.repoRoot().resolve("deploy/schedule/cluda-retrain.cron"))
                .stream().filter(l -> !l.isBlank() && !l.startsWith("#") && !l.matches("[A-Z_]+=.*")).toList();
        assertEquals(1, entries.size(), entries.toString());
        String[] fields = entries.get(0).split("\\s+", 6);
        assertTrue(fields[0].matches("\\d{1,2}") && fields[1].matches("\\d{1,2}"), entries.get(0));
        String command = fields[5];
        // cron ends the command at an unescaped %: every % must be written \%
        assertTrue(Pattern.compile("(?<!\\\\)%").matcher(command).results().findAny().isEmpty(), command);
        String cluda = command.substring(command.indexOf(" -- ") + 4, command.indexOf(" >>"));
        List<String> args = new ArrayList<>();
        Matcher m = Pattern.compile("\"[^\"]*\"|\\S+").matcher(cluda);
        while (m.find()) {
            args.add(m.group().replace("\"", ""));
        }
        assertEquals("retrain", args.get(0));
        CommandLine.ParseResult parsed = new CommandLine(new Cluda()).parseArgs(args.toArray(String[]::new));
        assertTrue(parsed.subcommand().hasMatchedOption("--target"), args.toString());
    }

    @Test
    void airflowDag_submitsRetrainWithTheWrappersJvmOptions() throws Exception {
        assumeTrue(DeployScripts.run(tmp, null, Map.of(), "python3", "--version").exit() == 0, "python3 is not installed");
        Path stubs = tmp.resolve("stubs");
        Path ops = stubs.resolve("airflow/providers/apache/spark/operators");
        Files.createDirectories(ops);
        Files.writeString(stubs.resolve("airflow/__init__.py"), """
                import json
                class DAG:
                    def __init__(self, **kw): self.kw = kw
                    def __enter__(self): return self
                    def __exit__(self, *a): return False
                """);
        for (Path p = ops; !p.equals(stubs.resolve("airflow")); p = p.getParent()) {
            Files.writeString(p.resolve("__init__.py"), "");
        }
        Files.writeString(ops.resolve("spark_submit.py"), """
                import json
                class SparkSubmitOperator:
                    def __init__(self, **kw):
                        print(json.dumps(kw))
                """);
        Path dag = DeployScripts.repoRoot().resolve("deploy/schedule/cluda_retrain_dag.py");
        DeployScripts.Result r = DeployScripts.run(tmp, null, Map.of("PYTHONPATH", stubs.toString()), "python3",
                dag.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode op = JSON.readTree(r.out().strip());
        assertEquals("dev.cluda.cli.Cluda", op.get("java_class").asText());
        List<String> args = new ArrayList<>();
        op.get("application_args").forEach(a -> args.add(a.asText().replace("{{ ds }}", "2026-12-01")));
        CommandLine.ParseResult parsed = new CommandLine(new Cluda()).parseArgs(args.toArray(String[]::new));
        assertEquals("retrain", parsed.subcommand().commandSpec().name());
        String script = Files.readString(DeployScripts.repoRoot().resolve("deploy/cluda-submit.sh"));
        Matcher opens = Pattern.compile("opens=\"([^\"]+)\"").matcher(script);
        assertTrue(opens.find());
        assertTrue(op.at("/conf/spark.executor.extraJavaOptions").asText().startsWith(opens.group(1)),
                "the DAG's executors miss JVM options the wrapper gives: " + op.at("/conf"));
    }
}
