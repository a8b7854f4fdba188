package dev.cluda.rundir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.data.CityscapesClass;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * {@code report.html} of a run directory (ARCHITECTURE.md): loss and mIoU curves from
 * {@code metrics.jsonl}, the per-class IoU table of the latest evaluation, and sample predictions
 * beside their ground truth in the Cityscapes palette. One self-contained file (images inlined),
 * rewritten atomically after every evaluation.
 */
public final class RunReport {

    /** One evaluation image with its ground truth and the model's prediction. */
    public record Panel(String id, RgbImage image, LabelMap groundTruth, LabelMap prediction) {
    }

    private RunReport() {
    }

    /** Writes {@code report.html} into {@code runDir}. */
    public static void write(FileStore store, String runDir, EvalResult eval, List<Panel> panels) throws IOException {
        Map<String, List<double[]>> series = readSeries(store, store.resolve(runDir, "metrics.jsonl"));
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>cluda run report</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}img{margin:2px}</style>")
                .append("</head><body><h1>cluda run report</h1>");
        html.append(String.format(Locale.ROOT, "<p>iteration %d, %d evaluation images: <b>mIoU %.2f</b> "
                + "(mIoU16 %.2f, mIoU13 %.2f)</p>", eval.iter(), eval.numImages(), eval.mIoU(), eval.mIoU16(),
                eval.mIoU13()));
        html.append("<h2>Losses</h2>").append(chart("loss terms", "iteration", "loss", series, "loss."));
        html.append("<h2>Target mIoU</h2>").append(chart("target mIoU", "iteration", "mIoU", series, "mIoU"));
        html.append("<h2>Per-class IoU</h2><table><tr><th>class</th><th>IoU %</th></tr>");
        for (CityscapesClass c : CityscapesClass.values()) {
            double iou = eval.classIou(c);
            html.append("<tr><td style=\"text-align:left\">").append(c.displayName()).append("</td><td>")
                    .append(Double.isNaN(iou) ? "n/a" : String.format(Locale.ROOT, "%.2f", iou)).append("</td></tr>");
        }
        html.append("</table><h2>Samples: image, ground truth, prediction</h2>");
        for (Panel p : panels) {
            html.append("<div><p>").append(escape(p.id())).append("</p>")
                    .append(img(p.image())).append(img(colour(p.groundTruth()))).append(img(colour(p.prediction())))
                    .append("</div>");
        }
        html.append("</body></html>\n");
        store.writeAtomically(store.resolve(runDir, "report.html"), html.toString().getBytes(StandardCharsets.UTF_8));
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

    private static String chart(String title, String x, String y, Map<String, List<double[]>> series, String prefix)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(720).height(320).title(title).xAxisTitle(x).yAxisTitle(y).build();
        int added = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            if (!e.getKey().startsWith(prefix) || e.getValue().isEmpty()) {
                continue;
            }
            double[] xs = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            chart.addSeries(e.getKey(), xs, ys);
            added++;
        }
        if (added == 0) {
            return "<p>no data yet</p>";
        }
        return "<img alt=\"" + escape(title) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG))
                + "\">";
    }

    /** Train ids in the Cityscapes palette; ignore (255) black. */
    static RgbImage colour(LabelMap labels) {
        return PredictionOverlay.colour(labels);
    }

    private static String img(RgbImage image) throws IOException {
        byte[] png = PngCodec.toBytes(out -> PngCodec.writeRgb(image, out));
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
