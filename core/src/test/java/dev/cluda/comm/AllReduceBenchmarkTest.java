package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

@IntegrationTest
class AllReduceBenchmarkTest {

    /** With processes, the run also fails unless every rank's final buffer has the same checksum. */
    @ParameterizedTest
    @EnumSource(AllReduceBenchmark.Layout.class)
    void run_twoRanksSmallBuffer_positiveFiniteRates(AllReduceBenchmark.Layout layout) {
        AllReduceBenchmark.Result r = AllReduceBenchmark.run(2, 50_000, 3, layout);
        assertEquals(2, r.ranks());
        assertEquals(50_000, r.floats());
        assertEquals(layout, r.layout());
        assertTrue(r.allreduceGbps() > 0 && Double.isFinite(r.allreduceGbps()), r.toString());
        assertTrue(r.socketGbps() > 0 && Double.isFinite(r.socketGbps()), r.toString());
        assertTrue(r.duplexSocketGbps() > 0 && Double.isFinite(r.duplexSocketGbps()), r.toString());
    }

    @Test
    void run_threeRankProcesses_bitIdenticalResults() {
        AllReduceBenchmark.Result r = AllReduceBenchmark.run(3, 10_007, 2, AllReduceBenchmark.Layout.PROCESSES);
        assertTrue(r.allreduceGbps() > 0, r.toString());
    }

    @Test
    void toJson_result_oneLineWithTheContractKeys() {
        assertEquals("{\"ranks\":4,\"floats\":25000000,\"layout\":\"processes\",\"allreduce_gbps\":3.500,"
                + "\"socket_gbps\":12.250,\"duplex_socket_gbps\":7.000,\"share_of_socket\":0.286,"
                + "\"share_of_duplex_socket\":0.500}",
                new AllReduceBenchmark.Result(4, 25_000_000, AllReduceBenchmark.Layout.PROCESSES, 3.5, 12.25, 7.0)
                        .toJson());
    }

    @Test
    void run_oneRank_illegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> AllReduceBenchmark.run(1, 10, 1));
    }
}
