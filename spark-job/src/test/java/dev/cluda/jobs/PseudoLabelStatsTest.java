package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.LabelMap;
import dev.cluda.eval.ConfusionMatrix;
import org.junit.jupiter.api.Test;

class PseudoLabelStatsTest {

    /** 2x2 image: classes 0, 0, 1, 2 with p = 0.5, 0.968 (exactly τ), 1.0, 0.25. */
    private static PseudoLabel first() {
        return new PseudoLabel(new LabelMap(2, 2, new byte[] {0, 0, 1, 2}), new float[] {0.5f, 0.968f, 1.0f, 0.25f});
    }

    /** 1x2 image: classes 1, 1 with p = 0.97, 0.9. */
    private static PseudoLabel second() {
        return new PseudoLabel(new LabelMap(2, 1, new byte[] {1, 1}), new float[] {0.97f, 0.9f});
    }

    @Test
    void add_twoImages_givesHandComputedSharesConfidencesAndFractions() {
        PseudoLabelStats s = new PseudoLabelStats(3, 0.968).add(first(), null).add(second(), null);
        assertEquals(2, s.images());
        assertEquals(6, s.pixels());
        assertEquals(2.0 / 6, s.share(0), 1e-12);
        assertEquals(3.0 / 6, s.share(1), 1e-12);
        assertEquals(1.0 / 6, s.share(2), 1e-12);
        // p >= 0.968 in float32 (as torch compares): 0.968, 1.0, 0.97 -> 3 of 6
        assertEquals(3.0 / 6, s.fractionAboveThreshold(), 1e-12);
        assertEquals(0.5, s.fractionAboveThreshold(0), 1e-12);
        assertEquals(2.0 / 3, s.fractionAboveThreshold(1), 1e-12);
        double mean = (0.5 + 0.968 + 1.0 + 0.25 + 0.97 + 0.9) / 6;
        assertEquals(mean, s.meanConfidence(), 1e-6);
        assertEquals((1.0 + 0.97 + 0.9) / 3, s.meanConfidence(1), 1e-6);
        assertEquals(0, s.labelledImages());
    }

    @Test
    void add_thresholdExactlyRepresentable_countsEqualAsAbove() {
        PseudoLabelStats s = new PseudoLabelStats(1, 0.5)
                .add(new PseudoLabel(new LabelMap(2, 1, new byte[] {0, 0}), new float[] {0.5f, 0.49f}), null);
        assertEquals(0.5, s.fractionAboveThreshold(), 1e-12); // p >= τ, reference §2.2
    }

    @Test
    void merge_ofSplitImages_equalsOneAccumulator() {
        LabelMap gt = new LabelMap(2, 2, new byte[] {0, 1, 1, (byte) 255});
        PseudoLabelStats whole = new PseudoLabelStats(3, 0.968).add(first(), gt).add(second(), null).addSkipped();
        PseudoLabelStats a = new PseudoLabelStats(3, 0.968).add(first(), gt);
        PseudoLabelStats b = new PseudoLabelStats(3, 0.968).add(second(), null).addSkipped();
        PseudoLabelStats merged = a.merge(b);
        assertEquals(whole.pixels(), merged.pixels());
        assertEquals(whole.meanConfidence(), merged.meanConfidence(), 0.0);
        assertEquals(whole.fractionAboveThreshold(), merged.fractionAboveThreshold(), 0.0);
        assertEquals(whole.confusion(), merged.confusion());
        assertEquals(1, merged.skippedImages());
        assertEquals(1, merged.labelledImages());
        assertEquals(2, merged.images());
    }

    @Test
    void add_groundTruth_countsConfusionIgnoring255() {
        LabelMap gt = new LabelMap(2, 2, new byte[] {0, 1, 1, (byte) 255});
        ConfusionMatrix m = new PseudoLabelStats(3, 0.968).add(first(), gt).confusion();
        assertEquals(1, m.count(0, 0));
        assertEquals(1, m.count(1, 0));
        assertEquals(1, m.count(1, 1));
        assertEquals(3, m.totalPixels());
    }

    @Test
    void empty_statistics_areNaN() {
        PseudoLabelStats s = new PseudoLabelStats(3, 0.968);
        assertTrue(Double.isNaN(s.meanConfidence()));
        assertTrue(Double.isNaN(s.share(0)));
        assertTrue(Double.isNaN(s.fractionAboveThreshold(2)));
    }

    @Test
    void add_labelOutsideClasses_isRejected() {
        PseudoLabel bad = new PseudoLabel(new LabelMap(1, 1, new byte[] {3}), new float[] {0.9f});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PseudoLabelStats(3, 0.968).add(bad, null));
        assertTrue(e.getMessage().contains("pseudo-label 3"), e.getMessage());
    }

    @Test
    void merge_differentThreshold_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new PseudoLabelStats(3, 0.968).merge(new PseudoLabelStats(3, 0.9)));
    }

    @Test
    void quantize_roundsToNearestStepAndClamps() {
        assertEquals(0, PseudoLabel.quantize(0f));
        assertEquals(255, PseudoLabel.quantize(1f));
        assertEquals(128, PseudoLabel.quantize(0.5f)); // 127.5 rounds half up
        assertEquals(247, PseudoLabel.quantize(0.968f)); // 246.84
        assertEquals(255, PseudoLabel.quantize(1.01f));
        PseudoLabel label = new PseudoLabel(new LabelMap(2, 1, new byte[] {0, 1}), new float[] {0.2f, 0.999f});
        LabelMap q = label.quantizedConfidence();
        assertEquals(51, q.get(0, 0));
        assertEquals(255, q.get(1, 0));
    }
}
