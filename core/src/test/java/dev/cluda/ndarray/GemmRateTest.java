package dev.cluda.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class GemmRateTest {

    @Test
    void measure_smallMatrices_givesAPositiveRateWithTheBestAtLeastTheMedian() {
        try (NDManager m = NDManager.newBaseManager()) {
            GemmRate r = GemmRate.measure(m, 128, 1, 5);
            assertEquals(128, r.n());
            assertEquals(5, r.repetitions());
            assertTrue(r.gflops() > 0 && Double.isFinite(r.gflops()), r.toString());
            assertTrue(r.bestGflops() >= r.gflops(), r.toString());
        }
    }

    @Test
    void measure_badArguments_areRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> GemmRate.measure(m, 0, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> GemmRate.measure(m, 8, 1, 0));
        }
    }
}
