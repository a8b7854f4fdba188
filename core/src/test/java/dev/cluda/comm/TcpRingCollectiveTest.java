package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

@IntegrationTest
class TcpRingCollectiveTest {

    private static final int[] LENGTHS = {0, 1, 5, 1000, 1_000_003};

    /** Rank r's input: seeded random floats in [-1, 1). */
    private static float[] input(int rank, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 31 + rank);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }

    /** The documented reduction order: chunk c is summed starting at rank c around the ring. */
    private static float[] ringOrderSum(int n, int length, long seed) {
        float[][] x = new float[n][];
        for (int r = 0; r < n; r++) {
            x[r] = input(r, length, seed);
        }
        float[] sum = new float[length];
        for (int c = 0; c < n; c++) {
            int start = (int) ((long) c * length / n);
            int end = (int) ((long) (c + 1) * length / n);
            for (int i = start; i < end; i++) {
                float s = x[c][i];
                for (int k = 1; k < n; k++) {
                    s += x[(c + k) % n][i];
                }
                sum[i] = s;
            }
        }
        return sum;
    }

    @Test
    void allReduceSum_twoToFourRanksAllLengths_bitIdenticalToRingOrderSum() throws Exception {
        for (int n = 2; n <= 4; n++) {
            List<TcpRingCollective> ring = Rings.connect(n);
            try {
                for (int length : LENGTHS) {
                    long seed = 1000L * n + length;
                    List<Rings.Outcome<float[]>> out = Rings.onEachRank(n, rank -> {
                        float[] x = input(rank, length, seed);
                        ring.get(rank).allReduceSum(x);
                        return x;
                    });
                    float[] expected = ringOrderSum(n, length, seed);
                    for (int r = 0; r < n; r++) {
                        assertArrayEquals(expected, out.get(r).get(),
                                "n=" + n + " length=" + length + " rank " + r);
                    }
                    if (length > 0) {
                        double exact = 0;
                        for (int r = 0; r < n; r++) {
                            exact += input(r, length, seed)[length - 1];
                        }
                        assertEquals(exact, expected[length - 1], 1e-6);
                    }
                }
            } finally {
                Rings.closeAll(ring);
            }
        }
    }

    @Test
    void allReduceSum_integerValues_equalsSequentialSum() throws Exception {
        int n = 3;
        int length = 1000;
        List<TcpRingCollective> ring = Rings.connect(n, Duration.ofSeconds(10), Compression.NONE, 64);
        try {
            List<Rings.Outcome<float[]>> out = Rings.onEachRank(n, rank -> {
                float[] x = new float[length];
                for (int i = 0; i < length; i++) {
                    x[i] = (rank + 1) * 1000 + i;
                }
                ring.get(rank).allReduceSum(x);
                return x;
            });
            for (int r = 0; r < n; r++) {
                float[] got = out.get(r).get();
                for (int i = 0; i < length; i++) {
                    assertEquals(6000f + 3 * i, got[i], "rank " + r + " element " + i);
                }
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduceMean_smallPieces_isSumDividedBySize() throws Exception {
        int n = 4;
        int length = 1001;
        List<TcpRingCollective> ring = Rings.connect(n, Duration.ofSeconds(10), Compression.NONE, 64);
        try {
            List<Rings.Outcome<float[]>> out = Rings.onEachRank(n, rank -> {
                float[] x = input(rank, length, 7);
                ring.get(rank).allReduceMean(x);
                return x;
            });
            float[] sum = ringOrderSum(n, length, 7);
            for (int i = 0; i < length; i++) {
                sum[i] /= n;
            }
            for (int r = 0; r < n; r++) {
                assertArrayEquals(sum, out.get(r).get(), "rank " + r);
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduceSumLong_largeCounts_exact() throws Exception {
        int n = 3;
        List<TcpRingCollective> ring = Rings.connect(n);
        try {
            List<Rings.Outcome<long[]>> out = Rings.onEachRank(n, rank -> {
                long[] counts = {1L << 40, rank, 7, -rank};
                ring.get(rank).allReduceSum(counts);
                return counts;
            });
            for (int r = 0; r < n; r++) {
                assertArrayEquals(new long[] {3L << 40, 3, 21, -3}, out.get(r).get());
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void broadcast_everyRootAndMultiPieceBuffers_copiesRootBuffer() throws Exception {
        int n = 3;
        List<TcpRingCollective> ring = Rings.connect(n, Duration.ofSeconds(10), Compression.NONE, 64);
        try {
            for (int root = 0; root < n; root++) {
                int theRoot = root;
                for (int length : new int[] {0, 7, 300_001}) {
                    List<Rings.Outcome<float[]>> out = Rings.onEachRank(n, rank -> {
                        float[] x = input(rank, length, 3);
                        ring.get(rank).broadcast(x, theRoot);
                        return x;
                    });
                    for (int r = 0; r < n; r++) {
                        assertArrayEquals(input(theRoot, length, 3), out.get(r).get(),
                                "root " + theRoot + " length " + length + " rank " + r);
                    }
                }
                List<Rings.Outcome<byte[]>> bytes = Rings.onEachRank(n, rank -> {
                    byte[] b = new byte[1001];
                    java.util.Arrays.fill(b, (byte) rank);
                    ring.get(rank).broadcast(b, theRoot);
                    return b;
                });
                byte[] expected = new byte[1001];
                java.util.Arrays.fill(expected, (byte) theRoot);
                for (int r = 0; r < n; r++) {
                    assertArrayEquals(expected, bytes.get(r).get());
                }
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allGatherLong_fourRanks_everyRankGetsAllValuesInRankOrder() throws Exception {
        int n = 4;
        List<TcpRingCollective> ring = Rings.connect(n);
        try {
            List<Rings.Outcome<long[]>> out = Rings.onEachRank(n,
                    rank -> ring.get(rank).allGatherLong(100L * rank - 1));
            for (int r = 0; r < n; r++) {
                assertArrayEquals(new long[] {-1, 99, 199, 299}, out.get(r).get());
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void barrier_oneRankLate_nobodyLeavesBeforeItEnters() throws Exception {
        int n = 3;
        List<TcpRingCollective> ring = Rings.connect(n);
        try {
            long[] entered = new long[1];
            List<Rings.Outcome<Long>> out = Rings.onEachRank(n, rank -> {
                if (rank == 1) {
                    Thread.sleep(300);
                    entered[0] = System.nanoTime();
                }
                ring.get(rank).barrier();
                return System.nanoTime();
            });
            for (int r = 0; r < n; r++) {
                assertTrue(out.get(r).get() >= entered[0], "rank " + r + " left the barrier early");
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void mixedCalls_manyInSequence_stayInStep() throws Exception {
        int n = 2;
        List<TcpRingCollective> ring = Rings.connect(n);
        try {
            List<Rings.Outcome<float[]>> out = Rings.onEachRank(n, rank -> {
                TcpRingCollective c = ring.get(rank);
                float[] x = {rank, 1};
                for (int k = 0; k < 20; k++) {
                    c.barrier();
                    c.allReduceSum(x);
                    assertArrayEquals(new long[] {k, k}, c.allGatherLong(k));
                }
                return x;
            });
            for (int r = 0; r < n; r++) {
                assertArrayEquals(new float[] {1 << 19, 1 << 20}, out.get(r).get());
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduceSum_ranksPassDifferentLengths_bothFailNamingTheOtherCall() throws Exception {
        int n = 2;
        List<TcpRingCollective> ring = Rings.connect(n);
        try {
            List<Rings.Outcome<Void>> out = Rings.onEachRank(n, rank -> {
                ring.get(rank).allReduceSum(new float[10 + 2 * rank]);
                return null;
            });
            for (int r = 0; r < n; r++) {
                Throwable e = out.get(r).error();
                assertTrue(e instanceof CollectiveException, "rank " + r + ": " + e);
                assertTrue(e.getMessage().contains("made a different call"), e.getMessage());
                assertTrue(e.getMessage().contains("of " + (10 + 2 * (1 - r)) + " floats"),
                        e.getMessage());
            }
            CollectiveException later = assertThrows(CollectiveException.class,
                    () -> ring.get(0).barrier());
            assertTrue(later.getMessage().contains("broken by an earlier failure"));
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void call_whileAnotherThreadIsInACall_illegalState() throws Exception {
        List<TcpRingCollective> ring = Rings.connect(2);
        try {
            CountDownLatch inCall = new CountDownLatch(1);
            List<Rings.Outcome<Void>> out = Rings.onEachRank(2, rank -> {
                if (rank == 0) {
                    inCall.countDown();
                    ring.get(0).barrier(); // waits for rank 1
                } else {
                    inCall.await();
                    Thread.sleep(200);
                    assertThrows(IllegalStateException.class, () -> ring.get(0).allGatherLong(1));
                    ring.get(1).barrier();
                }
                return null;
            });
            out.get(0).get();
            out.get(1).get();
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void connect_badArguments_illegalArgument() throws Exception {
        try (ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1")) {
            String self = TcpRingCollective.advertisedAddress(server, "127.0.0.1");
            Duration t = Duration.ofSeconds(1);
            assertThrows(IllegalArgumentException.class,
                    () -> TcpRingCollective.connect(0, server, List.of(self), t));
            assertThrows(IllegalArgumentException.class,
                    () -> TcpRingCollective.connect(2, server, List.of(self, self), t));
            assertThrows(IllegalArgumentException.class,
                    () -> TcpRingCollective.connect(0, server, List.of(self, "nohostport"), t));
            assertThrows(IllegalArgumentException.class,
                    () -> TcpRingCollective.connect(0, server, List.of(self, self), Duration.ZERO));
        }
    }
}
