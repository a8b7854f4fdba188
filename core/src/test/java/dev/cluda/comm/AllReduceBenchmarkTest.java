package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import org.junit.jupiter.api.Test;

@IntegrationTest
class AllReduceBenchmarkTest {

    @Test
    void run_twoRanksSmallBuffer_positiveFiniteRates() {
        AllReduceBenchmark.Result r = AllReduceBenchmark.run(2, 50_000, 3);
        assertEquals(2, r.ranks());
        assertEquals(50_000, r.floats());
        assertTrue(r.allreduceGbps() > 0 && Double.isFinite(r.allreduceGbps()), r.toString());
        assertTrue(r.socketGbps() > 0 && Double.isFinite(r.socketGbps()), r.toString());
    }

    @Test
    void toJson_result_oneLineWithTheContractKeys() {
        assertEquals("{\"ranks\":4,\"floats\":25000000,\"allreduce_gbps\":3.500,\"socket_gbps\":12.250}",
                new AllReduceBenchmark.Result(4, 25_000_000, 3.5, 12.25).toJson());
    }

    @Test
    void run_oneRank_illegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> AllReduceBenchmark.run(1, 10, 1));
    }
}
