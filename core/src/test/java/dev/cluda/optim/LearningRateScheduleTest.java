package dev.cluda.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    private final LearningRateSchedule daformer = LearningRateSchedule.daformer();

    @Test
    void at_iterationZero_isBaseTimesWarmupRatio() {
        // poly = 1, warm = 1 - (1 - 0)(1 - 1e-6) = 1e-6
        assertEquals(6e-5 * 1e-6, daformer.at(0), 1e-20);
    }

    @Test
    void at_middleOfWarmup_isHalfWarmTimesPoly() {
        // poly = 1 - 750/40000 = 0.98125; warm = 1 - 0.5 * (1 - 1e-6) = 0.5000005
        assertEquals(0.98125, daformer.polyFactor(750), 1e-15);
        assertEquals(0.5000005, daformer.warmupFactor(750), 1e-15);
        assertEquals(6e-5 * 0.98125 * 0.5000005, daformer.at(750), 1e-18);
    }

    @Test
    void at_endOfWarmup_isPlainPoly() {
        // t = W: warm-up over; poly = 1 - 1500/40000 = 0.9625
        assertEquals(1.0, daformer.warmupFactor(1500));
        assertEquals(6e-5 * 0.9625, daformer.at(1500), 1e-18);
        // one before: warm = 1 - (1/1500)(1 - 1e-6)
        assertEquals(6e-5 * (1 - 1499 / 40000.0) * (1 - (1 / 1500.0) * (1 - 1e-6)), daformer.at(1499), 1e-18);
    }

    @Test
    void at_lastIteration_isBaseOverT() {
        // t = 39999: poly = 1/40000
        assertEquals(6e-5 / 40000, daformer.at(39_999), 1e-20);
        assertEquals(0.0, daformer.at(40_000), 0.0);
    }

    @Test
    void at_powerAndMinLr_followMmcvFormula() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 10, 2.0, 0.1, 0, 1e-6);
        // (1 - 0.1) * (1 - 5/10)^2 + 0.1 = 0.9 * 0.25 + 0.1 = 0.325
        assertEquals(0.325, s.at(5), 1e-15);
        assertEquals(1.0, s.at(0), 1e-15);
    }

    @Test
    void at_outsideRun_throws() {
        assertThrows(IllegalArgumentException.class, () -> daformer.at(-1));
        assertThrows(IllegalArgumentException.class, () -> daformer.at(40_001));
    }

    @Test
    void at_warmupLongerThanRun_staysInWarmup() {
        // As in mmcv: a short run keeps the warm-up shape; lr_t = poly_t * (1 - (1 - t/W)(1 - ratio)).
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 1, 0, 20, 1e-6);
        double warm = 1 - (1 - 5.0 / 20) * (1 - 1e-6);
        assertEquals(1e-3 * (1 - 5.0 / 10) * warm, s.at(5), 1e-15);
    }

    @Test
    void constructor_negativeWarmup_throws() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 10, 1, 0, -1, 1e-6));
    }
}
