package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code cluda explain}: meanings, values with their origin, and the same validation as a run. */
class ExplainCommandTest {

    @Test
    void explain_setOverride_printsTheValueWhereItCameFromAndTheDefault() {
        CliRunner.Result r = CliRunner.run("explain", "--config", TinyTrain.syntheticConf().toString(),
                "--set", "train.iters=7");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("train.iters = 7    # from --set train.iters, default 40000"), r.out());
        assertTrue(Arrays.stream(r.out().split("\\n")).anyMatch(l -> l.startsWith("model.encoder = \"mit_b0\"")
                && l.contains("synthetic.conf:") && l.contains("default \"mit_b5\"")), r.out());
    }

    @Test
    void explain_everyKeyHasItsMeaning() {
        String[] lines = CliRunner.run("explain").out().split("\\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("#")) {
                assertTrue(i > 0 && lines[i - 1].startsWith("#"), "no meaning printed for " + lines[i]);
            }
        }
    }

    @Test
    void explain_badType_exitsTwoShowingTheValue() {
        CliRunner.Result r = CliRunner.run("explain", "--set", "train.iters=abc");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("train.iters") && r.err().contains("abc"), r.err());
    }

    @Test
    void explain_misspelledKey_exitsTwoWithASuggestion() {
        CliRunner.Result r = CliRunner.run("explain", "--set", "train.itres=3");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("did you mean train.iters?"), r.err());
    }
}
