package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.LabelMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassStatisticsTest {

    private final ClassStatistics stats = RcsFixtures.threeClasses();

    @Test
    void frequencies_threeClasses_areShareOfAllPixels() {
        double[] f = stats.frequencies();
        assertEquals(0.5, f[0], 1e-15);
        assertEquals(0.3, f[1], 1e-15);
        assertEquals(0.2, f[2], 1e-15);
        assertEquals(0.0, f[3]);
        assertTrue(stats.isPresent(2));
        assertFalse(stats.isPresent(3));
    }

    @Test
    void samplingProbabilities_temperatureOne_softmaxOfOneMinusF() {
        // exp(0.5), exp(0.7), exp(0.8) normalised
        double z = Math.exp(0.5) + Math.exp(0.7) + Math.exp(0.8);
        double[] p = stats.samplingProbabilities(1.0);
        assertEquals(Math.exp(0.5) / z, p[0], 1e-15);
        assertEquals(0.28001309385857376, p[0], 1e-12);
        assertEquals(0.3420087651598244, p[1], 1e-12);
        assertEquals(0.37797814098160176, p[2], 1e-12);
    }

    @Test
    void samplingProbabilities_referenceTemperature_favoursRarestClass() {
        // (1 - f)/T = 50, 70, 80: P ∝ e^-30, e^-10, 1
        double z = Math.exp(-30) + Math.exp(-10) + 1;
        double[] p = stats.samplingProbabilities(0.01);
        assertEquals(Math.exp(-30) / z, p[0], 1e-25);
        assertEquals(Math.exp(-10) / z, p[1], 1e-15);
        assertEquals(1 / z, p[2], 1e-15);
        assertEquals(0.9999546021312041, p[2], 1e-12);
    }

    @Test
    void samplingProbabilities_absentClasses_getZeroAndRestSumsToOne() {
        double[] p = stats.samplingProbabilities(0.01);
        assertEquals(19, p.length);
        for (int c = 3; c < 19; c++) {
            assertEquals(0.0, p[c], "class " + c);
        }
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-15);
    }

    @Test
    void imagesWithClass_strictlyMoreThanMinPixels() {
        assertEquals(List.of("a", "b"), stats.imagesWithClass(0, 3000));
        assertEquals(List.of("a"), stats.imagesWithClass(1, 3000));
        assertEquals(List.of("b"), stats.imagesWithClass(2, 3000));
        assertEquals(List.of("b"), stats.imagesWithClass(2, 500));
        assertEquals(List.of(), stats.imagesWithClass(0, 6000));
    }

    @Test
    void imageClassCounts_fromLabelMap_ignores255() {
        LabelMap label = new LabelMap(3, 1, new byte[] {0, 18, (byte) 255});
        long[] expected = new long[19];
        expected[0] = 1;
        expected[18] = 1;
        assertArrayEquals(expected, ImageClassCounts.of("x", label).counts());
    }

    @Test
    void of_duplicateFileOrNoPixels_throws() {
        assertThrows(IllegalArgumentException.class, () -> ClassStatistics.of(List.of(
                RcsFixtures.image("a", 1, 0, 0), RcsFixtures.image("a", 2, 0, 0))));
        assertThrows(IllegalArgumentException.class, () -> ClassStatistics.of(List.of(
                RcsFixtures.image("a", 0, 0, 0))));
        assertThrows(IllegalArgumentException.class, () -> new ImageClassCounts("a", new long[18]));
    }
}
