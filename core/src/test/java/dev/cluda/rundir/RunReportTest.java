package dev.cluda.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.LocalFileStore;
import dev.cluda.testing.HtmlReferences;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    @Test
    void write_curvesTableAndPanels() throws IOException {
        MetricsLog log = MetricsLog.create(store, dir.resolve("metrics.jsonl").toString());
        log.log(9, 1e-4, Map.of("ce_source", 2.0, "total", 2.5), 0.5, 0.6, Map.of());
        log.log(19, 1e-4, Map.of("ce_source", 1.0, "total", 1.5), 0.5, 0.7, Map.of("mIoU", 40.0));
        log.flush();
        LabelMap gt = new LabelMap(2, 1, new byte[] {0, 13});
        LabelMap pred = new LabelMap(2, 1, new byte[] {0, 0});
        EvalResult eval = EvalResult.of(20, 1, new ConfusionMatrix().accumulate(gt, pred));
        RunReport.write(store, dir.toString(), eval,
                List.of(new RunReport.Panel("frame_1", RgbImage.blank(2, 1), gt, pred)));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("alt=\"loss terms\""), "loss chart");
        assertTrue(html.contains("alt=\"target mIoU\""), "mIoU chart");
        assertTrue(html.contains("<td style=\"text-align:left\">road</td><td>50.00</td>"), "road IoU 1/2");
        assertTrue(html.contains("frame_1"));
        // the panel: image, ground truth, prediction, overlay, errors; the charts: loss lines and stacked,
        // mIoU, lr, pseudo_conf, sec_per_iter
        assertEquals(11, html.split("data:image/png;base64,", -1).length - 1);
    }

    @Test
    void readSeries_iterationsCountFromOne() throws IOException {
        MetricsLog log = MetricsLog.create(store, dir.resolve("m.jsonl").toString());
        log.log(0, 1e-4, Map.of("total", 3.0), 0.5, Double.NaN, Map.of());
        log.flush();
        var series = RunReport.readSeries(store, dir.resolve("m.jsonl").toString());
        assertEquals(1.0, series.get("loss.total").get(0)[0]);
        assertEquals(3.0, series.get("loss.total").get(0)[1]);
        assertTrue(!series.containsKey("pseudo_conf"), "null metrics are not plotted");
    }

    @Test
    void colour_usesThePaletteAndBlackForIgnore() {
        RgbImage rgb = ReportImages.colour(new LabelMap(2, 1, new byte[] {0, (byte) 255}));
        assertEquals(128, rgb.get(0, 0, 0));
        assertEquals(64, rgb.get(0, 0, 1));
        assertEquals(128, rgb.get(0, 0, 2));
        assertEquals(0, rgb.get(1, 0, 0));
    }

    private static final Instant WRITTEN = Instant.parse("2026-11-30T12:34:56Z");

    private EvalResult evalAfter(int iter) {
        LabelMap gt = new LabelMap(2, 1, new byte[] {0, 13});
        return EvalResult.of(iter, 1, new ConfusionMatrix().accumulate(gt, new LabelMap(2, 1, new byte[] {0, 0})));
    }

    private String page(RunReport.Builder builder) throws IOException {
        builder.build().write(store, dir.toString());
        return Files.readString(dir.resolve("report.html"));
    }

    private RunReport.Builder report() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("encoder", "mit_b5, single resolution");
        settings.put("crop", "512 × 512");
        return RunReport.builder().setHeader(new RunReport.Header("run-7", WRITTEN, settings, "train { iters = 40000 }"));
    }

    @Test
    void header_runNameDateSettingsAndTheFoldedConfiguration() throws IOException {
        String html = page(report());
        assertTrue(html.contains("<h1>cluda run report: run-7</h1>"), "run name");
        assertTrue(html.contains("written 2026-11-30 12:34:56 UTC"), "date");
        assertTrue(html.contains("<th class=\"k\">encoder</th><td class=\"k\">mit_b5, single resolution</td>"));
        assertTrue(html.contains("<th class=\"k\">crop</th><td class=\"k\">512 × 512</td>"));
        assertTrue(html.contains("<details><summary>full configuration</summary><pre>train { iters = 40000 }</pre>"));
        assertTrue(html.contains("no evaluation yet") && html.contains("no samples yet"), "before any evaluation");
    }

    @Test
    void legend_everyClassWithItsSwatchThenIgnore() {
        StringBuilder html = new StringBuilder();
        RunReport.legend(html);
        Matcher m = Pattern.compile("<span class=\"sw\" style=\"background:#([0-9a-f]{6})\"></span>([^<]+)</span>")
                .matcher(html);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(2));
            int rgb = Integer.parseInt(m.group(1), 16);
            if (names.size() <= CityscapesClass.COUNT) {
                assertEquals(CityscapesClass.ofTrainId(names.size() - 1).rgb(), rgb, m.group(2));
            } else {
                assertEquals(0, rgb, "ignore is black");
            }
        }
        assertEquals(20, names.size(), names.toString());
        assertEquals("road", names.get(0));
        assertEquals("bicycle", names.get(18));
        assertEquals("ignore", names.get(19));
    }

    @Test
    void classTable_paperColumnsOnlyWhenGiven() throws IOException {
        EvalResult eval = evalAfter(20);
        String without = page(report().optEvaluation(eval));
        assertFalse(without.contains("paper:"), "no paper column for the synthetic benchmark");
        String with = page(report().optEvaluation(eval)
                .optPaperRows(PaperResults.forRun("synthia", "cityscapes", true)));
        assertTrue(with.contains("<th>paper: HRDA</th><th>paper: HRDA + CLUDA</th>"));
        assertTrue(with.contains("<td style=\"text-align:left\">road</td><td>50.00</td><td>85.20</td><td>87.70</td>"));
        assertTrue(with.contains("<td style=\"text-align:left\">terrain</td><td>n/a</td><td>n/a</td><td>n/a</td>"));
        assertTrue(with.contains("<th class=\"k\">mIoU16 (16 classes)</th>"), "synthia compares over 16 classes");
        assertTrue(with.contains("<th>65.80</th><th>66.80</th>"));
        assertTrue(with.contains(PaperResults.SOURCE));
    }

    @Test
    void write_curvesStopAtTheIterationsDone() throws IOException {
        MetricsLog log = MetricsLog.create(store, dir.resolve("metrics.jsonl").toString());
        log.log(9, 1e-4, Map.of("total", 2.0), 0.5, 0.6, Map.of());
        // logged by a run killed after its checkpoint at 10, which a resumed run has not reached again
        log.log(19, 1e-4, Map.of("total", 1.0), 0.5, 0.6, Map.of("mIoU", 40.0));
        log.flush();
        assertTrue(page(report()).contains("alt=\"target mIoU\""));
        String cut = page(report().optIterationsDone(10));
        assertFalse(cut.contains("alt=\"target mIoU\""), "the mIoU of iteration 20 is not shown at 10");
        assertTrue(cut.contains("alt=\"loss terms\""));
    }

    @Test
    void write_selfContained() throws IOException {
        String html = page(reportWithOnePanel("a<b").optPaperRows(PaperResults.forRun("gta5", "cityscapes", false)));
        assertEquals(List.of(), HtmlReferences.external(html));
        assertTrue(html.contains("<p>a&lt;b</p>"), "ids escaped");
        assertTrue(html.contains("Predictions of the student after 10 iterations"));
    }

    @Test
    void inlineImages_theChartsThenEverySamplePictureAsDataUris() throws IOException {
        String html = page(reportWithOnePanel("a"));
        List<RunReport.InlineImage> images = RunReport.inlineImages(html);
        assertEquals(html.split("<img ", -1).length - 1, images.size(), "every <img> of the page");
        assertEquals(List.of("image", "ground truth", "prediction", "overlay", "errors"),
                images.subList(images.size() - 5, images.size()).stream().map(RunReport.InlineImage::alt).toList());
        assertTrue(images.stream().map(RunReport.InlineImage::alt).anyMatch("target mIoU"::equals));
        assertTrue(images.stream().allMatch(i -> i.dataUri().startsWith("data:image/png;base64,iVBOR")),
                "PNG data URIs");
    }

    /** A report after 10 iterations: one logged iteration, its evaluation, and one sample row named {@code id}. */
    private RunReport.Builder reportWithOnePanel(String id) throws IOException {
        MetricsLog log = MetricsLog.create(store, dir.resolve("metrics.jsonl").toString());
        log.log(9, 1e-4, Map.of("ce_source", 2.0, "total", 2.0), 0.5, 0.6, Map.of("mIoU", 30.0));
        log.flush();
        LabelMap gt = new LabelMap(2, 1, new byte[] {0, 13});
        return report().optEvaluation(evalAfter(10))
                .optPanels(List.of(new RunReport.Panel(id, RgbImage.blank(2, 1), gt, gt)), 10);
    }

    @Test
    void runName_lastElementOfAPathOrUri() {
        assertEquals("run-7", RunReport.runName("/data/runs/run-7"));
        assertEquals("run-7", RunReport.runName("s3a://bucket/runs/run-7/"));
        assertEquals("run-7", RunReport.runName("run-7"));
    }
}
