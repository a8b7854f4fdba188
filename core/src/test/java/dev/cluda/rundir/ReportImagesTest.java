package dev.cluda.rundir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportImagesTest {

    private static RgbImage image(int width, int height, int... rgb) {
        byte[] bytes = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            bytes[i] = (byte) rgb[i];
        }
        return new RgbImage(width, height, bytes);
    }

    private static int[] pixel(RgbImage image, int x, int y) {
        return new int[] {image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2)};
    }

    @Test
    void shownSize_atMost512WideAspectKept() {
        assertArrayEquals(new int[] {512, 256}, ReportImages.shownSize(2048, 1024, 512));
        assertArrayEquals(new int[] {512, 281}, ReportImages.shownSize(1914, 1052, 512));
        assertArrayEquals(new int[] {128, 64}, ReportImages.shownSize(128, 64, 512));
        assertArrayEquals(new int[] {512, 1}, ReportImages.shownSize(5000, 1, 512));
    }

    @Test
    void downscale_eachPixelTheMeanOfItsBlock() {
        RgbImage src = image(4, 2,
                0, 0, 0, 10, 20, 30, 100, 100, 100, 200, 0, 0,
                20, 40, 60, 30, 60, 91, 100, 100, 100, 0, 0, 0);
        RgbImage out = ReportImages.downscale(src, 2);
        assertEquals(2, out.width());
        assertEquals(1, out.height());
        assertArrayEquals(new int[] {15, 30, 45}, pixel(out, 0, 0)); // (0+10+20+30)/4, ..., (0+30+60+91)/4 = 45.25
        assertArrayEquals(new int[] {100, 50, 50}, pixel(out, 1, 0));
        assertSame(src, ReportImages.downscale(src, 4), "small enough already");
    }

    @Test
    void row_cityscapesSizePanel_allFivePicturesAre512Wide() {
        RunReport.Panel panel = new RunReport.Panel("frame", RgbImage.blank(2048, 1024),
                LabelMap.ignored(2048, 1024), LabelMap.ignored(2048, 1024));
        ReportImages.Row row = ReportImages.row(panel, ReportImages.MAX_WIDTH);
        for (RgbImage picture : List.of(row.image(), row.groundTruth(), row.prediction(), row.overlay(), row.errors())) {
            assertEquals(512, picture.width());
            assertEquals(256, picture.height());
        }
    }

    @Test
    void overlay_halfImageHalfPaletteAndTheImageWhereNoClass() {
        RgbImage img = image(2, 1, 100, 50, 0, 7, 8, 9);
        RgbImage out = ReportImages.overlay(img, new LabelMap(2, 1, new byte[] {0, (byte) 255}));
        // road is (128, 64, 128): (100 + 128 + 1) / 2, (50 + 64 + 1) / 2, (0 + 128 + 1) / 2
        assertArrayEquals(new int[] {114, 57, 64}, pixel(out, 0, 0));
        assertArrayEquals(new int[] {7, 8, 9}, pixel(out, 1, 0));
    }

    @Test
    void errors_wrongRedIgnoredGreyCorrectDarkImage() {
        RgbImage img = image(4, 1, 200, 200, 200, 10, 10, 10, 50, 50, 50, 255, 0, 0);
        LabelMap gt = new LabelMap(4, 1, new byte[] {0, 1, (byte) 255, 13});
        LabelMap pred = new LabelMap(4, 1, new byte[] {0, 2, 0, 13});
        RgbImage out = ReportImages.errors(img, gt, pred);
        assertArrayEquals(new int[] {50, 50, 50}, pixel(out, 0, 0)); // correct: luma 200 / 4
        assertArrayEquals(new int[] {255, 0, 0}, pixel(out, 1, 0)); // wrong
        assertArrayEquals(new int[] {0xAA, 0xAA, 0xAA}, pixel(out, 2, 0)); // ignored, whatever the prediction
        assertArrayEquals(new int[] {19, 19, 19}, pixel(out, 3, 0)); // correct: luma of pure red 76 / 4
    }

    @Test
    void row_labelsFollowTheDownscaledImage() {
        // 1024 wide: halved; label columns alternate 0 / 1 in pairs, so nearest keeps one class per output pixel
        byte[] ids = new byte[1024];
        for (int x = 0; x < ids.length; x++) {
            ids[x] = (byte) ((x / 2) % 2);
        }
        LabelMap gt = new LabelMap(1024, 1, ids);
        LabelMap pred = new LabelMap(1024, 1, new byte[1024]);
        ReportImages.Row row = ReportImages.row(new RunReport.Panel("p", RgbImage.blank(1024, 1), gt, pred), 512);
        assertArrayEquals(new int[] {0, 0, 0}, pixel(row.errors(), 0, 0));
        assertArrayEquals(new int[] {255, 0, 0}, pixel(row.errors(), 1, 0));
        assertArrayEquals(new int[] {244, 35, 232}, pixel(row.groundTruth(), 1, 0)); // sidewalk
    }
}
