package dev.cluda.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import dev.cluda.eval.ConfusionMatrix;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        // the panel: image, ground truth, prediction, plus the two charts
        assertEquals(5, html.split("data:image/png;base64,", -1).length - 1);
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
        RgbImage rgb = RunReport.colour(new LabelMap(2, 1, new byte[] {0, (byte) 255}));
        assertEquals(128, rgb.get(0, 0, 0));
        assertEquals(64, rgb.get(0, 0, 1));
        assertEquals(128, rgb.get(0, 0, 2));
        assertEquals(0, rgb.get(1, 0, 0));
    }
}
