package dev.cluda.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.error.UserInputException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StudyPlanTest {

    @TempDir
    Path dir;

    @Test
    void load_plan_readsRowsInOrderWithDefaults() throws IOException {
        StudyPlan plan = StudyPlan.load(write("""
                study {
                  title = "T"
                  seeds = [1, 2]
                  rows = [
                    { name = a, config = "conf/x.conf", perClass = true, about = "first" }
                    { name = b-2, group = extra, config = "conf/y.conf", set = ["uda.emaAlpha=0.96"], baseline = a }
                  ]
                }
                """));
        assertEquals("T", plan.title());
        assertEquals(List.of(1, 2), plan.seeds());
        assertEquals(List.of("a", "b-2"), plan.rows().stream().map(StudyPlan.Row::name).toList());
        StudyPlan.Row a = plan.rows().get(0);
        assertEquals("main", a.group());
        assertTrue(a.perClass());
        assertEquals(List.of(), a.set());
        assertEquals("", a.baseline());
        assertEquals("a", plan.rows().get(1).baseline());
        // configurations are relative to the plan's folder
        assertEquals("bin/cluda train --config " + dir.resolve("conf/y.conf")
                        + " --set uda.emaAlpha=0.96 --set train.seed=2 --out R", plan.rows().get(1).command("2", "S", "R"));
        assertEquals(List.of("b-2"), plan.select(List.of("extra")).stream().map(StudyPlan.Row::name).toList());
        assertEquals(plan.rows(), plan.select(List.of()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "seeds = [1, 1], rows = [{ name = a, config = c }]                   | distinct seeds",
        "seeds = [1], rows = []                                               | study.rows is empty",
        "seeds = [1], rows = [{ name = A, config = c }]                      | study.rows[0].name must be lower-case",
        "seeds = [1], rows = [{ name = a, config = c }, { name = a, config = c }] | study.rows[1].name \"a\" is used",
        "seeds = [1], rows = [{ name = a, config = c, set = [\"x\"] }]       | is not key=value",
        "seeds = [1], rows = [{ name = a }]                                   | config",
        "seeds = [1], rows = [{ name = a, config = c, baseline = z }]         | study.rows[0].baseline \"z\" must name another row",
        "seeds = [1], rows = [{ name = a, config = c, baseline = a }]         | study.rows[0].baseline \"a\" must name another row",
        "seeds = [1], rows = [{ name = a, config = c, set = [\"model.init={run}/x\"] }] | study.rows[0].set: \"model.init={run}/x\" has the placeholder {run}",
    })
    void load_badPlan_namesTheFileAndTheProblem(String body, String expected) throws IOException {
        File file = write("study { " + body + " }");
        UserInputException e = assertThrows(UserInputException.class, () -> StudyPlan.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void overrides_fillSeedAndStudyFolder_thenAddTheSeed() {
        StudyPlan.Row row = new StudyPlan.Row("i", "main", "c.conf",
                List.of("model.init={out}/source-only/seed{seed}", "uda.emaAlpha=0.96"), false, "");
        assertEquals(List.of("model.init=runs/study/source-only/seed3", "uda.emaAlpha=0.96", "train.seed=3"),
                row.overrides("3", "runs/study"));
        assertEquals("bin/cluda train --config c.conf --set model.init=S/source-only/seedk --set uda.emaAlpha=0.96"
                + " --set train.seed=k --out S/i/seedk", row.command("k", "S", "S/i/seedk"));
    }

    @Test
    void select_unknownRow_listsTheRows() throws IOException {
        StudyPlan plan = StudyPlan.load(write("study { seeds = [1], rows = [{ name = a, config = c }] }"));
        UserInputException e = assertThrows(UserInputException.class, () -> plan.select(List.of("b")));
        assertTrue(e.getMessage().contains("no row or group named \"b\"") && e.getMessage().contains("[a]"),
                e.getMessage());
    }

    @Test
    void load_missingFile_isAUserError() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> StudyPlan.load(dir.resolve("nope.conf").toFile()));
        assertTrue(e.getMessage().contains("nope.conf"), e.getMessage());
    }

    private File write(String text) throws IOException {
        Path p = dir.resolve("plan.conf");
        Files.writeString(p, text);
        return p.toFile();
    }
}
