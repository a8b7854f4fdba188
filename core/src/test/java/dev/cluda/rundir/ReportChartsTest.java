package dev.cluda.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class ReportChartsTest {

    private static final Map<String, Double> WEIGHTS = Map.of("ce_source", 1.0, "cl_source", 0.1, "ce_mixed", 1.0,
            "cl_mixed", 0.1, "ce_masked", 0.5);

    @TempDir
    Path dir;

    /** metrics.jsonl as the trainer writes it, total = sum of weight × term, contrast from the second line. */
    private Map<String, List<double[]>> series() throws IOException {
        LocalFileStore store = new LocalFileStore();
        String path = dir.resolve("metrics.jsonl").toString();
        MetricsLog log = MetricsLog.create(store, path);
        log.log(9, 1e-4, losses(2.0, Double.NaN, 1.5, Double.NaN, 1.2), 0.5, 0.6, Map.of());
        log.log(19, 1e-4, losses(1.0, 6.0, 0.9, 5.5, 0.8), 0.5, 0.7, Map.of());
        log.log(29, 1e-4, losses(0.5, 5.0, 0.6, 4.0, 0.4), 0.5, 0.8, Map.of());
        log.flush();
        return RunReport.readSeries(store, path);
    }

    private static Map<String, Double> losses(double ceSource, double clSource, double ceMixed, double clMixed,
                                              double ceMasked) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("ce_source", ceSource);
        if (!Double.isNaN(clSource)) {
            out.put("cl_source", clSource);
        }
        out.put("ce_mixed", ceMixed);
        if (!Double.isNaN(clMixed)) {
            out.put("cl_mixed", clMixed);
        }
        out.put("ce_masked", ceMasked);
        double total = 0;
        for (Map.Entry<String, Double> e : out.entrySet()) {
            total += WEIGHTS.get(e.getKey()) * e.getValue();
        }
        out.put("total", total);
        return out;
    }

    @Test
    void weightedLosses_termsTimesTheirWeightsSumToTheTotalAtEveryIteration() throws IOException {
        Map<String, List<double[]>> weighted = ReportCharts.weightedLosses(series(), WEIGHTS);
        assertEquals(List.of("ce_source", "ce_mixed", "0.5 × ce_masked", "0.1 × cl_source", "0.1 × cl_mixed", "total"),
                List.copyOf(weighted.keySet()));
        List<double[]> total = weighted.get("total");
        for (double[] t : total) {
            double sum = 0;
            for (Map.Entry<String, List<double[]>> e : weighted.entrySet()) {
                if (!e.getKey().equals("total")) {
                    sum += e.getValue().stream().filter(p -> p[0] == t[0]).mapToDouble(p -> p[1]).sum();
                }
            }
            assertEquals(t[1], sum, 1e-9, "iteration " + t[0]);
        }
        assertEquals(0.6, weighted.get("0.1 × cl_source").get(0)[1], 1e-12, "plotted weighted, not raw 6.0");
    }

    @Test
    void stacked_lastBandIsTheTotalAndAMissingTermCountsZero() throws IOException {
        Map<String, List<double[]>> weighted = ReportCharts.weightedLosses(series(), WEIGHTS);
        Map<String, List<double[]>> bands = ReportCharts.stacked(weighted);
        assertEquals(5, bands.size());
        List<double[]> top = bands.get("0.1 × cl_mixed");
        List<double[]> total = weighted.get("total");
        assertEquals(total.size(), top.size());
        for (int i = 0; i < total.size(); i++) {
            assertEquals(total.get(i)[0], top.get(i)[0]);
            assertEquals(total.get(i)[1], top.get(i)[1], 1e-9);
        }
        // the contrastive terms start at the second line: their bands equal the band below at the first
        assertEquals(bands.get("0.5 × ce_masked").get(0)[1], bands.get("0.1 × cl_source").get(0)[1], 0);
        assertEquals(2.0, bands.get("ce_source").get(0)[1], 0);
        assertEquals(3.5, bands.get("ce_mixed").get(0)[1], 1e-12);
    }

    @Test
    void weightLabel_shortestWeightThenTheTerm() {
        assertEquals("ce_source", ReportCharts.weightLabel(1.0, "ce_source"));
        assertEquals("0.1 × cl_source", ReportCharts.weightLabel(0.1, "cl_source"));
        assertEquals("2 × cl_mixed", ReportCharts.weightLabel(2.0, "cl_mixed"));
        assertEquals("0.005 × x", ReportCharts.weightLabel(0.005, "x"));
        assertEquals("1e-06 × x", ReportCharts.weightLabel(1e-6, "x"));
        assertEquals("0.25 × x", ReportCharts.weightLabel(0.25, "x"));
    }

    @Test
    void tickFormat_roundsToWhatTheRangeNeeds() {
        assertEquals("50.5", ReportCharts.tickFormat(10, 60, 1).apply(50.505414267859706));
        assertEquals("50.5", ReportCharts.tickFormat(0, 100, 1).apply(50.505414267859706));
        assertEquals("40000", ReportCharts.tickFormat(1, 40000, 0).apply(40000.0));
        assertEquals("2.5", ReportCharts.tickFormat(1, 4, 0).apply(2.5));
        assertEquals("0.85", ReportCharts.tickFormat(0.5, 1, 1).apply(0.85));
        assertEquals("0.025", ReportCharts.tickFormat(0, 0.04, 1).apply(0.025));
        assertEquals("6.0e-05", ReportCharts.tickFormat(6e-6, 6e-5, 1).apply(6e-5));
        assertEquals("2.0", ReportCharts.tickFormat(2, 2, 1).apply(2.0), "a constant series");
    }

    @Test
    void lines_installTheTickFormatOnBothAxes() throws IOException {
        Map<String, List<double[]>> miou = Map.of("mIoU", List.of(new double[] {1000, 40.2},
                new double[] {2000, 50.505414267859706}));
        XYChart chart = ReportCharts.lines(new ReportCharts.Frame("target mIoU", "iteration", "mIoU", 400, 200),
                miou, 1);
        assertEquals("50.5", chart.getStyler().getyAxisTickLabelsFormattingFunction().apply(50.505414267859706));
        assertEquals("1500", chart.getStyler().getxAxisTickLabelsFormattingFunction().apply(1500.0));
        XYChart few = ReportCharts.lines(new ReportCharts.Frame("lr", "iteration", "lr", 400, 200),
                Map.of("lr", List.of(new double[] {2, 1e-4}, new double[] {8, 6e-5})), 1);
        assertEquals("4", few.getStyler().getxAxisTickLabelsFormattingFunction().apply(4.0));
        assertEquals("2.5", few.getStyler().getxAxisTickLabelsFormattingFunction().apply(2.5));
        assertEquals("6.0e-05", few.getStyler().getyAxisTickLabelsFormattingFunction().apply(6e-5));
        assertTrue(ReportCharts.html(chart).startsWith("<img alt=\"target mIoU\" src=\"data:image/png;base64,"));
    }

    @Test
    void lines_withoutPoints_noChart() throws IOException {
        assertNull(ReportCharts.lines(new ReportCharts.Frame("lr", "iteration", "lr", 400, 200), Map.of(), 1));
        assertEquals("<p>no data yet</p>", ReportCharts.html(null));
        assertNull(ReportCharts.stackedAreas(new ReportCharts.Frame("s", "i", "l", 400, 200), Map.of()));
    }
}
