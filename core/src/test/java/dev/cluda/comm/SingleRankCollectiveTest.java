package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SingleRankCollectiveTest {

    @Test
    void operations_oneRank_leaveBuffersUnchanged() {
        try (Collective c = new SingleRankCollective()) {
            float[] x = {1.5f, -2f};
            c.allReduceSum(x);
            c.allReduceMean(x);
            c.broadcast(x, 0);
            assertArrayEquals(new float[] {1.5f, -2f}, x);
            long[] counts = {3, 4};
            c.allReduceSum(counts);
            assertArrayEquals(new long[] {3, 4}, counts);
            assertArrayEquals(new long[] {42}, c.allGatherLong(42));
            c.barrier();
            assertEquals(0, c.rank());
            assertEquals(1, c.size());
        }
    }

    @Test
    void broadcast_rootOtherThanZero_illegalArgument() {
        Collective c = new SingleRankCollective();
        assertThrows(IllegalArgumentException.class, () -> c.broadcast(new byte[1], 1));
    }
}
