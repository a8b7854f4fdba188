package dev.cluda.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The human-readable overlay of {@code cluda predict}: blend, legend strip and its pixel font. */
class PredictionOverlayTest {

    /** 40x6: road on the left 30 columns, car on the right 10, one ignored pixel. */
    private static LabelMap roadAndCar() {
        LabelMap ids = new LabelMap(40, 6, new byte[40 * 6]);
        for (int y = 0; y < 6; y++) {
            for (int x = 30; x < 40; x++) {
                ids.set(x, y, CityscapesClass.CAR.trainId());
            }
        }
        ids.set(0, 0, LabelMap.IGNORE);
        return ids;
    }

    private static RgbImage gradient(int width, int height) {
        RgbImage image = RgbImage.blank(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.set(x, y, x * 6, y * 40, 255 - x);
            }
        }
        return image;
    }

    private static int rgb(RgbImage image, int x, int y) {
        return image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2);
    }

    @Test
    void render_blendsEachPixelHalfWithItsClassColour() {
        RgbImage image = gradient(40, 6);
        RgbImage out = PredictionOverlay.render(image, roadAndCar());
        // road (128, 64, 128) over (6, 40, 254) at (1, 1): halves rounded up
        assertEquals((6 + 128 + 1) / 2, out.get(1, 1, 0));
        assertEquals((40 + 64 + 1) / 2, out.get(1, 1, 1));
        assertEquals((254 + 128 + 1) / 2, out.get(1, 1, 2));
        // car (0, 0, 142) over (210, 200, 220) at (35, 5)
        assertEquals((210 + 1) / 2, out.get(35, 5, 0));
        assertEquals((200 + 1) / 2, out.get(35, 5, 1));
        assertEquals((220 + 142 + 1) / 2, out.get(35, 5, 2));
        assertEquals(rgb(image, 0, 0), rgb(out, 0, 0), "an ignored pixel keeps the image's colour");
    }

    @Test
    void render_legendBelowListsThePresentClassesMostPixelsFirst() {
        RgbImage out = PredictionOverlay.render(gradient(40, 6), roadAndCar());
        assertEquals(40, out.width());
        // 40 pixels cannot hold both entries in one row: two rows of 13 pixels at scale 1
        assertEquals(6 + 2 * PredictionOverlay.ROW, out.height());
        int top = 6 + PredictionOverlay.MARGIN;
        int left = PredictionOverlay.MARGIN;
        assertEquals(CityscapesClass.ROAD.rgb(), rgb(out, left + 3, top + 3), "first swatch: road, most pixels");
        assertEquals(CityscapesClass.CAR.rgb(), rgb(out, left + 3, top + PredictionOverlay.ROW + 3),
                "second row swatch: car");
        assertEquals(PredictionOverlay.BACKGROUND, rgb(out, 39, 6), "legend background");
        Set<Integer> textColours = new HashSet<>();
        int textLeft = left + PixelFont.HEIGHT + PredictionOverlay.GAP;
        for (int y = top; y < top + PixelFont.HEIGHT; y++) {
            for (int x = textLeft; x < textLeft + PixelFont.width("road"); x++) {
                textColours.add(rgb(out, x, y));
            }
        }
        assertEquals(Set.of(PredictionOverlay.TEXT, PredictionOverlay.BACKGROUND), textColours);
    }

    @Test
    void render_wideImage_putsEntriesInOneRowAtALargerScale() {
        LabelMap ids = new LabelMap(600, 4, new byte[600 * 4]);
        ids.set(599, 3, CityscapesClass.TRAFFIC_LIGHT.trainId());
        RgbImage out = PredictionOverlay.render(RgbImage.blank(600, 4), ids);
        assertEquals(2, PredictionOverlay.scale(600));
        assertEquals(4 + PredictionOverlay.ROW * 2, out.height());
        assertEquals(List.of(CityscapesClass.ROAD, CityscapesClass.TRAFFIC_LIGHT),
                PredictionOverlay.classesPresent(ids));
    }

    @Test
    void render_sizeMismatch_isRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PredictionOverlay.render(RgbImage.blank(4, 4), new LabelMap(4, 3, new byte[12])));
    }

    @Test
    void pixelFont_everyLetterIsLitAndDistinct_otherCharactersBlank() {
        Set<String> glyphs = new HashSet<>();
        for (char c = 'a'; c <= 'z'; c++) {
            StringBuilder bits = new StringBuilder();
            for (int y = 0; y < PixelFont.HEIGHT; y++) {
                for (int x = 0; x < PixelFont.WIDTH; x++) {
                    bits.append(PixelFont.lit(c, x, y) ? '#' : '.');
                    assertEquals(PixelFont.lit(c, x, y), PixelFont.lit(Character.toUpperCase(c), x, y));
                }
            }
            assertTrue(bits.indexOf("#") >= 0, "glyph " + c);
            assertTrue(glyphs.add(bits.toString()), "glyph " + c + " repeats another");
        }
        for (int y = 0; y < PixelFont.HEIGHT; y++) {
            for (int x = 0; x < PixelFont.WIDTH; x++) {
                assertFalse(PixelFont.lit(' ', x, y));
            }
        }
        assertEquals(6 * 13 - 1, PixelFont.width("traffic light"));
    }

    @Test
    void colour_isThePalette_ignoreBlack() {
        RgbImage c = PredictionOverlay.colour(new LabelMap(2, 1, new byte[] {10, (byte) 255}));
        assertEquals(CityscapesClass.SKY.rgb(), rgb(c, 0, 0));
        assertEquals(0, rgb(c, 1, 0));
    }
}
