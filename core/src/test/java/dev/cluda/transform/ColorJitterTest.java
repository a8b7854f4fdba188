package dev.cluda.transform;

import static dev.cluda.transform.ColorJitter.Op.BRIGHTNESS;
import static dev.cluda.transform.ColorJitter.Op.CONTRAST;
import static dev.cluda.transform.ColorJitter.Op.HUE;
import static dev.cluda.transform.ColorJitter.Op.SATURATION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColorJitterTest {

    private static FloatImage pixel(float r, float g, float b) {
        return new FloatImage(3, 1, 1, new float[] {r, g, b});
    }

    @Test
    void apply_brightnessContrastSaturationHue_handComputed() {
        // (0.5, 0.25, 0.125) +0.1 -> (0.6, 0.35, 0.225) x0.8 -> (0.48, 0.28, 0.18)
        // saturation 0.625 x1.2 = 0.75, hue 1/18 turn -> (0.48, 0.24, 0.12)
        // hue 1/18 + 0.1 turn -> h6 = 0.9333, t = 0.48 (1 - 0.0667 * 0.75) = 0.456 -> (0.48, 0.456, 0.12)
        var f = new ColorJitter.Factors(1.1, 0.8, 1.2, 0.1, List.of(BRIGHTNESS, CONTRAST, SATURATION, HUE));
        assertArrayEquals(new float[] {0.48f, 0.456f, 0.12f},
                ColorJitter.apply(pixel(0.5f, 0.25f, 0.125f), f).data(), 1e-5f);
    }

    @Test
    void apply_reverseOrder_differentHandComputedResult() {
        // hue: (0.5, 0.475, 0.125); saturation 0.75 -> 0.9: (0.5, 0.47, 0.05);
        // contrast: (0.4, 0.376, 0.04); brightness: (0.5, 0.476, 0.14)
        var f = new ColorJitter.Factors(1.1, 0.8, 1.2, 0.1, List.of(HUE, SATURATION, CONTRAST, BRIGHTNESS));
        assertArrayEquals(new float[] {0.5f, 0.476f, 0.14f},
                ColorJitter.apply(pixel(0.5f, 0.25f, 0.125f), f).data(), 1e-5f);
    }

    @Test
    void apply_brightnessAndContrast_clampedToUnitRange() {
        var up = new ColorJitter.Factors(1.2, 1.2, 1.0, 0.0, List.of(BRIGHTNESS, CONTRAST, SATURATION, HUE));
        assertArrayEquals(new float[] {1f, 1f, 0.24f}, ColorJitter.apply(pixel(0.95f, 0.8f, 0f), up).data(), 1e-6f);
        var down = new ColorJitter.Factors(0.8, 1.0, 1.0, 0.0, List.of(BRIGHTNESS, CONTRAST, SATURATION, HUE));
        assertArrayEquals(new float[] {0f, 0f, 0.3f}, ColorJitter.apply(pixel(0.1f, 0.2f, 0.5f), down).data(), 1e-6f);
    }

    @Test
    void apply_negativeHueAcrossZero_wrapsToViolet() {
        // pure red (hue 0) shifted by -0.25 turn -> hue 0.75 -> (0.5, 0, 1)
        var f = new ColorJitter.Factors(1.0, 1.0, 1.0, -0.25, List.of(HUE, BRIGHTNESS, CONTRAST, SATURATION));
        assertArrayEquals(new float[] {0.5f, 0f, 1f}, ColorJitter.apply(pixel(1f, 0f, 0f), f).data(), 1e-6f);
    }

    @Test
    void apply_greyPixelSaturationAndHue_unchanged() {
        var f = new ColorJitter.Factors(1.0, 1.0, 1.2, 0.2, List.of(SATURATION, HUE, BRIGHTNESS, CONTRAST));
        assertArrayEquals(new float[] {0.3f, 0.3f, 0.3f}, ColorJitter.apply(pixel(0.3f, 0.3f, 0.3f), f).data(), 1e-6f);
    }

    @Test
    void sample_strength02_factorsInRangeOrderIsPermutation() {
        ColorJitter jitter = new ColorJitter(0.2);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            var f = jitter.sample(rng);
            for (double v : new double[] {f.brightness(), f.contrast(), f.saturation()}) {
                assertTrue(v >= 0.8 && v <= 1.2, "factor " + v);
            }
            assertTrue(f.hue() >= -0.2 && f.hue() <= 0.2, "hue " + f.hue());
            assertEquals(EnumSet.allOf(ColorJitter.Op.class), EnumSet.copyOf(f.order()));
        }
    }

    @Test
    void factors_orderWithDuplicate_rejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new ColorJitter.Factors(1, 1, 1, 0, List.of(HUE, HUE, CONTRAST, BRIGHTNESS)));
    }

    @Test
    void apply_strengthZero_identity() {
        FloatImage img = new FloatImage(3, 1, 2, new float[] {0.1f, 0.9f, 0.5f, 0.2f, 0.7f, 0.4f});
        assertArrayEquals(img.data(), new ColorJitter(0).apply(img, new SplittableRandom(5)).data(), 1e-6f);
    }
}
