package dev.cluda.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.eval.EvalResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsPageTest {

    private static final StudyPlan.Row A = new StudyPlan.Row("a", "main", "conf/a.conf", List.of(), true, "first");
    private static final StudyPlan.Row B = new StudyPlan.Row("b", "other", "conf/b.conf", List.of("k=v"), false, "");
    private static final StudyPlan PLAN = new StudyPlan("Title", List.of(1, 2, 3), List.of(A, B), "plan.conf");

    @TempDir
    Path dir;

    @Test
    void spread_isMeanAndSampleStandardDeviation() {
        ResultsPage.Spread s = ResultsPage.Spread.of(List.of(1.0, 2.0, 3.0));
        assertEquals(2.0, s.mean(), 1e-12);
        assertEquals(1.0, s.std(), 1e-12); // sqrt(((1-2)^2 + 0 + (3-2)^2) / 2)
        assertEquals("2.00 ± 1.00", s.format());
        assertTrue(Double.isNaN(ResultsPage.Spread.of(List.of(5.0)).std()));
        assertEquals("5.00", ResultsPage.Spread.of(List.of(5.0)).format());
        assertEquals("pending", ResultsPage.Spread.of(List.of()).format());
    }

    @Test
    void markdown_listsEachGroupWithFinishedSeedsPerClassAndCommands() {
        List<StudyRun> runs = List.of(
                run(A, 1, 60, 70, 65), run(B, 1, 50, Double.NaN, Double.NaN),
                run(A, 2, 62, 72, 66), unfinished(B, 2),
                unfinished(A, 3), unfinished(B, 3));
        String md = new ResultsPage(PLAN, "bin/cluda study --plan plan.conf --out R", "R").markdown(runs, "chart.png");
        assertTrue(md.startsWith("# Title\n"), md);
        assertTrue(md.contains("| a | first | 2 of 3 | 61.00 ± 1.41 | 60.00, 62.00 | — | 71.00 ± 1.41 / 65.50 ± 0.71 |"),
                md);
        assertTrue(md.contains("## other"), md);
        assertTrue(md.contains("| b |  | 1 of 3 | 50.00 | 50.00 | — | — |"), md);
        // per-class: only row a, class road (train id 0) is 60 + 0 and 62 + 0 -> 61.0
        assertTrue(md.contains("| class | a |"), md);
        assertTrue(md.contains("| road | 61.0 |"), md);
        assertTrue(md.contains("- b: `bin/cluda train --config conf/b.conf --set k=v --set train.seed=k --out R/b/seedk`"), md);
        assertTrue(md.contains("![mean ± std per row](chart.png)"), md);
    }

    @Test
    void paired_differencesOverTheSeedsBothRowsFinished() {
        StudyPlan.Row c = new StudyPlan.Row("c", "main", "conf/c.conf", List.of(), false, "", "a");
        // seed 1: 63 - 60 = +3, seed 2: 61 - 62 = -1; seed 3 of a is unfinished, so c's seed 3 is left out
        List<StudyRun> runs = List.of(run(A, 1, 60, 0, 0), run(A, 2, 62, 0, 0), unfinished(A, 3),
                run(c, 1, 63, 0, 0), run(c, 2, 61, 0, 0), run(c, 3, 80, 0, 0));
        assertEquals("+1.00 ± 2.83 vs a (2 seeds)", ResultsPage.paired(c, runs)); // sqrt((2^2 + 2^2) / 1)
        assertEquals("+3.00 vs a (1 seed)", ResultsPage.paired(c, List.of(run(A, 1, 60, 0, 0), run(c, 1, 63, 0, 0))));
        assertEquals("pending vs a", ResultsPage.paired(c, List.of(unfinished(A, 1), run(c, 1, 63, 0, 0))));
        assertEquals("—", ResultsPage.paired(A, runs));
    }

    @Test
    void markdown_perClassDifferencesSeedBySeedForRowsWhoseBaselineHasPerClass() {
        StudyPlan.Row c = new StudyPlan.Row("c", "main", "conf/c.conf", List.of(), true, "", "a");
        StudyPlan.Row d = new StudyPlan.Row("d", "main", "conf/d.conf", List.of(), true, "", "b"); // b: no per-class
        double[] classes = run(A, 1, 60, 0, 0).eval().classIou();
        classes[3] = Double.NaN; // wall absent from seed 1's evaluation: only seed 2 counts
        StudyRun a1 = new StudyRun(A, 1, "runs/a/seed1", 1000, new EvalResult(1000, 100, classes, 60, 60, 60, 90),
                0, 0);
        List<StudyRun> runs = List.of(a1, run(A, 2, 62, 0, 0), run(c, 1, 63, 0, 0), run(c, 2, 61, 0, 0),
                run(d, 1, 50, 0, 0));
        String md = new ResultsPage(new StudyPlan("T", List.of(1, 2), List.of(A, B, c, d), "p.conf"), "cmd", "R")
                .markdown(runs, "chart.png");
        assertTrue(md.contains("| class | c − a |\n"), md);
        // every class of c is +3 (seed 1) and -1 (seed 2) against a: mean 1, std sqrt(8) = 2.83
        assertTrue(md.contains("| road | +1.0 ± 2.8 |"), md);
        assertTrue(md.contains("| wall | -1.0 |"), md);
        assertEquals(List.of(3.0, -1.0), ResultsPage.differences(c, runs, e -> e.classIou()[0]));
        assertEquals(List.of(), ResultsPage.differences(A, runs, EvalResult::mIoU));
    }

    @Test
    void write_writesThePageAndAPngChartBesideIt() throws IOException {
        Path page = dir.resolve("docs").resolve("RESULTS.md");
        new ResultsPage(PLAN, "cmd", "R").write(List.of(run(A, 1, 60, 70, 65), unfinished(B, 1)), page, "results.png");
        assertTrue(Files.readString(page).contains("| a | first | 1 of 3 | 60.00 |"));
        byte[] png = Files.readAllBytes(dir.resolve("docs").resolve("results.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    @Test
    void panels_drawEachGroupWithItsRowsMeansSpreadsAndEverySeed() {
        List<StudyRun> runs = List.of(run(A, 1, 60, 70, 65), run(A, 3, 64, 70, 65), run(B, 2, 50, 0, 0),
                unfinished(B, 1));
        List<CategoryChart> panels = new ResultsPage(PLAN, "cmd", "R").panels(runs);
        assertEquals(2, panels.size(), "one panel per group: main, other");
        Map<String, CategorySeries> main = panels.get(0).getSeriesMap();
        assertEquals(List.of("mean ± std", "seed 1", "seed 3"), List.copyOf(main.keySet()), "seed 2 of a is missing");
        assertEquals(List.of(62.0), List.copyOf(main.get("mean ± std").getYData()));
        assertEquals(Math.sqrt(8), main.get("mean ± std").getExtraValues().iterator().next().doubleValue(), 1e-12); // sample std of 60, 64
        assertEquals(List.of(64.0), List.copyOf(main.get("seed 3").getYData()));
        Map<String, CategorySeries> other = panels.get(1).getSeriesMap();
        assertEquals(List.of("mean ± std", "seed 2"), List.copyOf(other.keySet()), "b's unfinished seed 1 is not drawn");
        assertEquals(List.of("b"), List.copyOf(other.get("seed 2").getXData()));
    }

    /** A finished run whose every class IoU is {@code mIoU} + its train id. */
    private static StudyRun run(StudyPlan.Row row, int seed, double mIoU, double teacher, double student) {
        double[] classes = new double[19];
        for (int c = 0; c < 19; c++) {
            classes[c] = mIoU + c;
        }
        EvalResult eval = new EvalResult(1000, 100, classes, mIoU, mIoU, mIoU, 90);
        return new StudyRun(row, seed, "runs/" + row.name() + "/seed" + seed, 1000, eval, teacher, student);
    }

    private static StudyRun unfinished(StudyPlan.Row row, int seed) {
        return new StudyRun(row, seed, "runs/" + row.name() + "/seed" + seed, 1000, null, Double.NaN, Double.NaN);
    }
}
