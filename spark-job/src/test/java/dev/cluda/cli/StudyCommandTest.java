package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluda study}: the shipped plan is valid, the page is written without training, bad input exits 2. */
class StudyCommandTest {

    @TempDir
    Path dir;

    @Test
    void study_reportOnly_checksEveryRowOfTheShippedPlanAndWritesThePage() throws IOException {
        Path plan = TinyTrain.syntheticConf().getParent().resolve("studies").resolve("evidence.conf");
        Path page = dir.resolve("RESULTS.md");
        CliRunner.Result r = CliRunner.run("study", "--plan", plan.toString(), "--out", dir.resolve("runs").toString(),
                "--results", page.toString(), "--report-only");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("0 of "), r.out());
        String md = Files.readString(page);
        assertTrue(md.contains("| daformer | ") && md.contains("| pending |"), md);
        assertTrue(Files.isRegularFile(dir.resolve("results.png")));
        assertFalse(Files.exists(dir.resolve("runs")), "--report-only trained something");
    }

    @Test
    void study_rowWithABadKey_exitsTwoBeforeAnyRun() throws IOException {
        Path plan = dir.resolve("plan.conf");
        Files.writeString(plan, "study { seeds = [1], rows = [{ name = a, config = \""
                + TinyTrain.syntheticConf().toString().replace("\\", "/") + "\", set = [\"train.iters=abc\"] }] }");
        CliRunner.Result r = CliRunner.run("study", "--plan", plan.toString(), "--out", dir.resolve("runs").toString(),
                "--results", dir.resolve("R.md").toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("train.iters"), r.err());
        assertFalse(Files.exists(dir.resolve("runs")));
    }

    @Test
    void study_unknownRow_exitsTwoNamingIt() throws IOException {
        Path plan = dir.resolve("plan.conf");
        Files.writeString(plan, "study { seeds = [1], rows = [{ name = a, config = \""
                + TinyTrain.syntheticConf().toString().replace("\\", "/") + "\" }] }");
        CliRunner.Result r = CliRunner.run("study", "--plan", plan.toString(), "--out", dir.resolve("runs").toString(),
                "--results", dir.resolve("R.md").toString(), "--rows", "zzz");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("zzz"), r.err());
    }
}
