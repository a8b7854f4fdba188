package dev.cluda.rundir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.ClassSubset;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.data.RgbImage;
import dev.cluda.eval.EvalResult;
import dev.cluda.eval.PredictionOverlay;
import dev.cluda.io.FileStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code report.html} of a run directory (ARCHITECTURE.md): a header naming the run, when the page
 * was written and its key settings (the whole configuration folded below); the loss terms as they
 * enter the total, the target mIoU, learning rate, pseudo-label confidence and seconds per
 * iteration from {@code metrics.jsonl}; the per-class IoU table of the latest evaluation, beside
 * the CLUDA paper's numbers on the real benchmarks; sample rows (image, ground truth, prediction,
 * overlay, error map) downscaled to {@link ReportImages#MAX_WIDTH} pixels, with the palette's
 * legend. One self-contained file (images inlined as {@code data:} URIs, nothing loaded from
 * elsewhere), rewritten atomically.
 */
public final class RunReport {

    /** The report's file name in a run directory. */
    public static final String FILE_NAME = "report.html";

    /** One evaluation image with its ground truth and the model's prediction. */
    public record Panel(String id, RgbImage image, LabelMap groundTruth, LabelMap prediction) {
    }

    /**
     * What the page is about.
     *
     * @param runName the run directory's name
     * @param written when the page is written
     * @param settings the key settings, shown as a table in this order
     * @param config the whole configuration as text, or null
     */
    public record Header(String runName, Instant written, Map<String, String> settings, String config) {
        public Header {
            Objects.requireNonNull(runName, "runName");
            Objects.requireNonNull(written, "written");
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }
    }

    /**
     * A picture the page inlines.
     *
     * @param alt its alternative text, unescaped (a chart's title, or a sample row's caption)
     * @param dataUri the PNG as a {@code data:image/png;base64,} URI, usable as an {@code <img src>}
     */
    public record InlineImage(String alt, String dataUri) {
    }

    /** An {@code <img>} as {@link #img} and {@link ReportCharts#html} write it. */
    private static final Pattern INLINE_IMAGE =
            Pattern.compile("<img alt=\"([^\"]*)\" src=\"(data:image/png;base64,[A-Za-z0-9+/=]+)\">");

    private static final DateTimeFormatter WRITTEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String STYLE = "body{font-family:sans-serif;margin:2em;max-width:1400px}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
            + "td.k,th.k{text-align:left}img{margin:2px;max-width:100%}"
            + ".charts{display:flex;flex-wrap:wrap;gap:8px}"
            + ".row{display:grid;grid-template-columns:repeat(5,1fr);gap:4px;margin-bottom:12px}"
            + ".row img{width:100%;margin:0;image-rendering:pixelated}.row div{font-size:80%;color:#555}"
            + ".legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0}"
            + ".sw{display:inline-block;width:14px;height:14px;border:1px solid #888;vertical-align:middle;"
            + "margin-right:4px}pre{background:#f6f6f6;padding:8px;overflow:auto}";

    private final Header header;
    private final EvalResult eval;
    private final List<Panel> panels;
    private final long panelsAfter;
    private final Map<String, Double> lossWeights;
    private final List<PaperResults.Row> paper;
    private final long iterationsDone;

    private RunReport(Builder b) {
        this.header = b.header;
        this.eval = b.eval;
        this.panels = b.panels;
        this.panelsAfter = b.panelsAfter;
        this.lossWeights = b.lossWeights;
        this.paper = b.paper;
        this.iterationsDone = b.iterationsDone;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes {@code report.html} into {@code runDir} with a header of the directory's name and the
     * current time, every loss term with weight 1, no paper numbers.
     */
    public static void write(FileStore store, String runDir, EvalResult eval, List<Panel> panels) throws IOException {
        builder().setHeader(new Header(runName(runDir), Instant.now(), Map.of(), null)).optEvaluation(eval)
                .optPanels(panels, eval.iter()).build().write(store, runDir);
    }

    /** Writes {@code report.html} into {@code runDir}, reading the curves from its {@code metrics.jsonl}. */
    public void write(FileStore store, String runDir) throws IOException {
        Map<String, List<double[]>> series = readSeries(store, store.resolve(runDir, "metrics.jsonl"));
        series.values().forEach(points -> points.removeIf(p -> p[0] > iterationsDone));
        store.writeAtomically(store.resolve(runDir, FILE_NAME), html(series).getBytes(StandardCharsets.UTF_8));
    }

    /** The pictures of a report's page ({@code html}, as {@link #write} writes it), in page order. */
    public static List<InlineImage> inlineImages(String html) {
        List<InlineImage> images = new ArrayList<>();
        Matcher m = INLINE_IMAGE.matcher(html);
        while (m.find()) {
            images.add(new InlineImage(unescape(m.group(1)), m.group(2)));
        }
        return List.copyOf(images);
    }

    /** The page for these curves. */
    String html(Map<String, List<double[]>> series) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>cluda run report: ")
                .append(escape(header.runName())).append("</title><style>").append(STYLE).append("</style></head><body>");
        header(html);
        charts(html, series);
        classTable(html);
        samples(html);
        html.append("</body></html>\n");
        return html.toString();
    }

    private void header(StringBuilder html) {
        html.append("<h1>cluda run report: ").append(escape(header.runName())).append("</h1>")
                .append("<p>written ").append(WRITTEN.format(header.written())).append("</p>");
        if (eval != null) {
            html.append(String.format(Locale.ROOT, "<p>evaluation after %d iterations, %d images: <b>mIoU %.2f</b> "
                    + "(mIoU16 %.2f, mIoU13 %.2f)</p>", eval.iter(), eval.numImages(), eval.mIoU(), eval.mIoU16(),
                    eval.mIoU13()));
        } else {
            html.append("<p>no evaluation yet</p>");
        }
        if (!header.settings().isEmpty()) {
            html.append("<table>");
            header.settings().forEach((k, v) -> html.append("<tr><th class=\"k\">").append(escape(k))
                    .append("</th><td class=\"k\">").append(escape(v)).append("</td></tr>"));
            html.append("</table>");
        }
        if (header.config() != null) {
            html.append("<details><summary>full configuration</summary><pre>").append(escape(header.config()))
                    .append("</pre></details>");
        }
    }

    private void charts(StringBuilder html, Map<String, List<double[]>> series) throws IOException {
        Map<String, List<double[]>> weighted = ReportCharts.weightedLosses(series, lossWeights);
        html.append("<h2>Losses</h2><p>Each term as it enters the total: weight × term, the weights from this run's"
                + " configuration (fd carries its λ inside). Stacked, the terms reach the logged total.</p>"
                + "<div class=\"charts\">")
                .append(ReportCharts.html(ReportCharts.lines(new ReportCharts.Frame("loss terms", "iteration",
                        "weighted loss", 580, 340), weighted, 1)))
                .append(ReportCharts.html(ReportCharts.stackedAreas(new ReportCharts.Frame("loss terms stacked",
                        "iteration", "weighted loss", 580, 340), weighted)))
                .append("</div>");
        Map<String, List<double[]>> miou = new LinkedHashMap<>();
        put(miou, "target mIoU (evaluation split)", series.get("mIoU"));
        put(miou, "teacher on target-train (pseudo-labels)", series.get("pl_mIoU.teacher"));
        put(miou, "student on target-train", series.get("pl_mIoU.student"));
        html.append("<h2>Target mIoU</h2>").append(ReportCharts.html(ReportCharts.lines(
                new ReportCharts.Frame("target mIoU", "iteration", "mIoU %", 720, 320), miou, 1)));
        html.append("<h2>Learning rate, pseudo-label confidence, time</h2><div class=\"charts\">");
        small(html, series, "lr", "learning rate (encoder)", "lr");
        small(html, series, "pseudo_conf", "pseudo-label confidence", "mean max probability");
        small(html, series, "sec_per_iter", "seconds per iteration", "s");
        html.append("</div>");
    }

    private static void small(StringBuilder html, Map<String, List<double[]>> series, String key, String title,
                              String y) throws IOException {
        Map<String, List<double[]>> one = new LinkedHashMap<>();
        put(one, key, series.get(key));
        html.append(ReportCharts.html(ReportCharts.lines(new ReportCharts.Frame(title, "iteration", y, 390, 260),
                one, 1)));
    }

    private static void put(Map<String, List<double[]>> lines, String name, List<double[]> points) {
        if (points != null && !points.isEmpty()) {
            lines.put(name, points);
        }
    }

    private void classTable(StringBuilder html) {
        html.append("<h2>Per-class IoU</h2>");
        if (eval == null) {
            html.append("<p>no evaluation yet</p>");
            return;
        }
        html.append("<table><tr><th class=\"k\">class</th><th>IoU %</th>");
        for (PaperResults.Row row : paper) {
            html.append("<th>paper: ").append(escape(row.method())).append("</th>");
        }
        html.append("</tr>");
        for (CityscapesClass c : CityscapesClass.values()) {
            html.append("<tr><td style=\"text-align:left\">").append(c.displayName()).append("</td><td>")
                    .append(percent(eval.classIou(c))).append("</td>");
            for (PaperResults.Row row : paper) {
                html.append("<td>").append(percent(row.classIou()[c.trainId()])).append("</td>");
            }
            html.append("</tr>");
        }
        if (!paper.isEmpty()) {
            ClassSubset subset = paper.get(0).classes();
            html.append("<tr><th class=\"k\">").append(subset.metricName()).append(" (").append(subset.size())
                    .append(" classes)</th><th>").append(percent(eval.meanIou(subset))).append("</th>");
            for (PaperResults.Row row : paper) {
                html.append("<th>").append(percent(row.mIoU())).append("</th>");
            }
            html.append("</tr></table><p>Paper columns: ").append(escape(PaperResults.SOURCE)).append(".</p>");
        } else {
            html.append("</table>");
        }
    }

    private void samples(StringBuilder html) throws IOException {
        html.append("<h2>Samples: image, ground truth, prediction, overlay, errors</h2>");
        if (panels.isEmpty()) {
            html.append("<p>no samples yet</p>");
            return;
        }
        html.append("<p>Predictions of the student after ").append(panelsAfter).append(" iterations; at most ")
                .append(ReportImages.MAX_WIDTH).append(" pixels wide per picture. Error map: ")
                .append(swatch(ReportImages.WRONG)).append("wrong, ").append(swatch(ReportImages.IGNORED))
                .append("ignored by the ground truth, dark: correct.</p>");
        legend(html);
        for (Panel p : panels) {
            ReportImages.Row row = ReportImages.row(p, ReportImages.MAX_WIDTH);
            html.append("<p>").append(escape(p.id())).append("</p><div class=\"row\">")
                    .append(img(row.image(), "image")).append(img(row.groundTruth(), "ground truth"))
                    .append(img(row.prediction(), "prediction")).append(img(row.overlay(), "overlay"))
                    .append(img(row.errors(), "errors")).append("</div>");
        }
    }

    /** The palette: a swatch and the name of each of the 19 classes, then ignore. */
    static void legend(StringBuilder html) {
        html.append("<div class=\"legend\">");
        for (CityscapesClass c : CityscapesClass.values()) {
            html.append("<span>").append(swatch(c.rgb())).append(escape(c.displayName())).append("</span>");
        }
        html.append("<span>").append(swatch(ReportImages.paletteRgb(LabelMap.IGNORE))).append("ignore</span></div>");
    }

    private static String swatch(int rgb) {
        return String.format(Locale.ROOT, "<span class=\"sw\" style=\"background:#%06x\"></span>", rgb & 0xFFFFFF);
    }

    /** Every numeric metric as (iteration, value) points, in file order. */
    static Map<String, List<double[]>> readSeries(FileStore store, String metrics) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        if (!store.exists(metrics)) {
            return series;
        }
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(store.open(metrics), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = json.readTree(line);
                double iter = node.path("iter").asDouble() + 1;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isNumber() && !e.getKey().equals("iter")) {
                        series.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(new double[] {iter, e.getValue().asDouble()});
                    }
                }
            }
        }
        return series;
    }

    /** The last name of a run directory's path or URI ({@code s3://bucket/runs/a/} gives {@code a}). */
    public static String runName(String runDir) {
        String trimmed = runDir.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        return trimmed.isEmpty() ? runDir : trimmed.substring(slash + 1);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String img(RgbImage image, String alt) throws IOException {
        byte[] png = PngCodec.toBytes(out -> PngCodec.writeRgb(image, out));
        return "<div><img alt=\"" + alt + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "\">" + alt + "</div>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&");
    }

    /** The content of a report; {@link #setHeader} is required. */
    public static final class Builder {
        private Header header;
        private EvalResult eval;
        private List<Panel> panels = List.of();
        private long panelsAfter;
        private Map<String, Double> lossWeights = Map.of();
        private List<PaperResults.Row> paper = List.of();
        private long iterationsDone = Long.MAX_VALUE;

        private Builder() {
        }

        /** Run name, time written, key settings and configuration. */
        public Builder setHeader(Header header) {
            this.header = Objects.requireNonNull(header, "header");
            return this;
        }

        /** The latest evaluation for the summary and the per-class table (default none: "no evaluation yet"). */
        public Builder optEvaluation(EvalResult eval) {
            this.eval = eval;
            return this;
        }

        /** Sample rows, predicted by the student after {@code iterationsDone} iterations (default none). */
        public Builder optPanels(List<Panel> panels, long iterationsDone) {
            this.panels = List.copyOf(panels);
            this.panelsAfter = iterationsDone;
            return this;
        }

        /**
         * Each loss term's weight in {@code total} (default: every term 1); a term not listed
         * counts with weight 1.
         */
        public Builder optLossWeights(Map<String, Double> weights) {
            this.lossWeights = Map.copyOf(weights);
            return this;
        }

        /** The paper's rows for the run's benchmark ({@link PaperResults#forRun}; default none). */
        public Builder optPaperRows(List<PaperResults.Row> rows) {
            this.paper = List.copyOf(rows);
            return this;
        }

        /**
         * Curves end at {@code iterationsDone} (default: all of {@code metrics.jsonl}), so a
         * resumed run's page never shows lines of the interrupted run past its checkpoint.
         */
        public Builder optIterationsDone(long iterationsDone) {
            this.iterationsDone = iterationsDone;
            return this;
        }

        public RunReport build() {
            if (header == null) {
                throw new IllegalStateException("a run report needs a header: call setHeader");
            }
            return new RunReport(this);
        }
    }
}
