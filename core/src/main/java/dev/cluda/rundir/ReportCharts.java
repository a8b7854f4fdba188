package dev.cluda.rundir;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The curves of {@code report.html}: series of (iteration, value) points from
 * {@code metrics.jsonl} drawn with xchart as inline PNGs. The loss terms are drawn as they enter
 * {@code total} (weight × term), so they add up to it; tick labels are rounded to the precision
 * the axis range needs.
 */
final class ReportCharts {

    /** The weighted sum of the terms, as {@code metrics.jsonl} names it. */
    static final String TOTAL = "total";

    /** Band colours of the stacked loss chart (opaque, distinct). */
    private static final Color[] BANDS = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
        new Color(0xC44E52), new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3), new Color(0x8C8C8C)};

    /** More points than this are drawn without markers. */
    private static final int MARKER_LIMIT = 40;

    private ReportCharts() {
    }

    /** How a chart is drawn: size in pixels and axis titles. */
    record Frame(String title, String xTitle, String yTitle, int width, int height) {
    }

    /**
     * The loss terms of {@code series} ({@code loss.<name>}) as they enter the total: each term
     * times its weight, labelled {@code "0.1 × cl_source"} when the weight is not 1, then
     * {@code total} as logged. A term without a weight in {@code weights} counts with weight 1.
     */
    static Map<String, List<double[]>> weightedLosses(Map<String, List<double[]>> series, Map<String, Double> weights) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            if (!e.getKey().startsWith("loss.") || e.getKey().equals("loss." + TOTAL) || e.getValue().isEmpty()) {
                continue;
            }
            String term = e.getKey().substring("loss.".length());
            double w = weights.getOrDefault(term, 1.0);
            List<double[]> points = new ArrayList<>();
            for (double[] p : e.getValue()) {
                points.add(new double[] {p[0], w * p[1]});
            }
            out.put(weightLabel(w, term), points);
        }
        List<double[]> total = series.get("loss." + TOTAL);
        if (total != null && !total.isEmpty()) {
            out.put(TOTAL, total);
        }
        return out;
    }

    /** {@code term} alone for weight 1, else {@code "w × term"} with w in its shortest form. */
    static String weightLabel(double weight, String term) {
        if (weight == 1) {
            return term;
        }
        String w = String.format(Locale.ROOT, "%.4g", weight).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
                .replaceAll("\\.(e|$)", "$1");
        return w + " × " + term;
    }

    /**
     * The weighted terms stacked at the iterations of {@code total}: band k is the sum of terms 1..k
     * (a term missing at an iteration counts 0 there), so the last band's top is the sum of all
     * terms, which is {@code total}. Keys are the terms' labels, in the order of
     * {@code weighted}; {@code total} itself is left out.
     */
    static Map<String, List<double[]>> stacked(Map<String, List<double[]>> weighted) {
        List<double[]> total = weighted.get(TOTAL);
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        if (total == null) {
            return out;
        }
        double[] running = new double[total.size()];
        for (Map.Entry<String, List<double[]>> e : weighted.entrySet()) {
            if (e.getKey().equals(TOTAL)) {
                continue;
            }
            Map<Double, Double> byX = new HashMap<>();
            e.getValue().forEach(p -> byX.put(p[0], p[1]));
            List<double[]> band = new ArrayList<>();
            for (int i = 0; i < total.size(); i++) {
                double x = total.get(i)[0];
                running[i] += byX.getOrDefault(x, 0.0);
                band.add(new double[] {x, running[i]});
            }
            out.put(e.getKey(), band);
        }
        return out;
    }

    /**
     * Tick labels for an axis spanning {@code min..max}: scientific ({@code 6.0e-05}) when every
     * value is below 0.01 in magnitude, else fixed with as many decimals as a twentieth of the
     * range needs, at least {@code minDecimals} and at most 6.
     */
    static Function<Double, String> tickFormat(double min, double max, int minDecimals) {
        double magnitude = Math.max(Math.abs(min), Math.abs(max));
        if (magnitude > 0 && magnitude < 1e-2) {
            return v -> String.format(Locale.ROOT, "%.1e", v);
        }
        double range = max - min > 0 ? max - min : Math.max(magnitude, 1);
        int decimals = (int) Math.ceil(-Math.log10(range / 20));
        String pattern = "%." + Math.max(minDecimals, Math.min(6, decimals)) + "f";
        return v -> String.format(Locale.ROOT, pattern, v);
    }

    /** Lines, one per entry of {@code lines}, or null if there is no point to draw. */
    static XYChart lines(Frame frame, Map<String, List<double[]>> lines, int yMinDecimals) {
        XYChart chart = chart(frame);
        for (Map.Entry<String, List<double[]>> e : lines.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(e.getKey(), xs(e.getValue()), ys(e.getValue()));
            if (e.getValue().size() > MARKER_LIMIT) {
                s.setMarker(SeriesMarkers.NONE);
            }
        }
        return finish(chart, lines.values(), yMinDecimals);
    }

    /**
     * {@link #stacked} bands of {@code weighted} as filled areas (the last band at the back), with
     * {@code total} as a black line on top; null without a total.
     */
    static XYChart stackedAreas(Frame frame, Map<String, List<double[]>> weighted) {
        Map<String, List<double[]>> bands = stacked(weighted);
        if (bands.isEmpty()) {
            return null;
        }
        XYChart chart = chart(frame);
        chart.getStyler().setYAxisMin(0.0);
        List<String> names = new ArrayList<>(bands.keySet());
        for (int k = names.size() - 1; k >= 0; k--) {
            List<double[]> band = bands.get(names.get(k));
            XYSeries s = chart.addSeries(names.get(k), xs(band), ys(band));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setMarker(SeriesMarkers.NONE);
            s.setFillColor(BANDS[k % BANDS.length]);
            s.setLineColor(BANDS[k % BANDS.length]);
        }
        List<double[]> total = weighted.get(TOTAL);
        XYSeries line = chart.addSeries(TOTAL + " (logged)", xs(total), ys(total));
        line.setLineColor(Color.BLACK);
        line.setMarker(SeriesMarkers.NONE);
        List<List<double[]>> all = new ArrayList<>(bands.values());
        all.add(total);
        all.add(List.of(new double[] {total.get(0)[0], 0}));
        return finish(chart, all, 1);
    }

    /** {@code chart} as an inline PNG {@code <img>}, or a "no data yet" paragraph for null. */
    static String html(XYChart chart) throws IOException {
        if (chart == null) {
            return "<p>no data yet</p>";
        }
        return "<img alt=\"" + RunReport.escape(chart.getTitle()) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG))
                + "\">";
    }

    private static XYChart chart(Frame frame) {
        XYChart chart = new XYChartBuilder().width(frame.width()).height(frame.height()).title(frame.title())
                .xAxisTitle(frame.xTitle()).yAxisTitle(frame.yTitle()).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** Tick formats from the data's ranges (whole iterations without decimals); null if there is nothing to draw. */
    private static XYChart finish(XYChart chart, Iterable<List<double[]>> data, int yMinDecimals) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (List<double[]> points : data) {
            for (double[] p : points) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (chart.getSeriesMap().isEmpty() || xMin > xMax) {
            return null;
        }
        Function<Double, String> x = tickFormat(xMin, xMax, 0);
        // iterations: whole ticks without decimals, whatever the range
        chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> v == Math.rint(v) ? String.format(Locale.ROOT,
                "%.0f", v) : x.apply(v));
        chart.getStyler().setyAxisTickLabelsFormattingFunction(tickFormat(yMin, yMax, yMinDecimals));
        return chart;
    }

    private static double[] xs(List<double[]> points) {
        return points.stream().mapToDouble(p -> p[0]).toArray();
    }

    private static double[] ys(List<double[]> points) {
        return points.stream().mapToDouble(p -> p[1]).toArray();
    }
}
