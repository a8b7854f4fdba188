package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Accuracy cost of 16-bit wire values in a 4-rank all-reduce against the exact (double) sum. The
 * bound: every element is rounded N times (N − 1 partial sums and the final value), each time by
 * at most u relative to a partial sum of magnitude ≤ Σ|x|, so |error| ≤ N · u · Σ|x| (plus fp32
 * additions, negligible here).
 */
@IntegrationTest
class CompressionAccuracyTest {

    private static final int RANKS = 4;
    private static final int LENGTH = 100_003;

    private record Error(double maxRelative, double maxOfSumAbs) {
    }

    private static Error measure(Compression compression, boolean positive) throws Exception {
        List<TcpRingCollective> ring = Rings.connect(RANKS, Duration.ofSeconds(10), compression,
                1 << 16);
        try {
            List<Rings.Outcome<float[]>> out = Rings.onEachRank(RANKS, rank -> {
                float[] x = input(rank, positive);
                ring.get(rank).allReduceSum(x);
                return x;
            });
            for (int r = 1; r < RANKS; r++) {
                assertArrayEquals(out.get(0).get(), out.get(r).get(), compression
                        + ": rank " + r + " differs from rank 0");
            }
            float[] got = out.get(0).get();
            double[] exact = new double[LENGTH];
            double[] sumAbs = new double[LENGTH];
            for (int r = 0; r < RANKS; r++) {
                float[] x = input(r, positive);
                for (int i = 0; i < LENGTH; i++) {
                    exact[i] += x[i];
                    sumAbs[i] += Math.abs(x[i]);
                }
            }
            double maxRelative = 0;
            double maxOfSumAbs = 0;
            for (int i = 0; i < LENGTH; i++) {
                double err = Math.abs(got[i] - exact[i]);
                maxOfSumAbs = Math.max(maxOfSumAbs, err / sumAbs[i]);
                if (Math.abs(exact[i]) > 1e-3 * sumAbs[i]) {
                    maxRelative = Math.max(maxRelative, err / Math.abs(exact[i]));
                }
            }
            System.out.printf("%s %s values: max |err|/|sum| = %.3g, max |err|/sum|x| = %.3g%n",
                    compression, positive ? "positive" : "signed", maxRelative, maxOfSumAbs);
            return new Error(maxRelative, maxOfSumAbs);
        } finally {
            Rings.closeAll(ring);
        }
    }

    /** Positive values: uniform [0.5, 1); signed: Gaussian with σ = 1e-2 (gradient-like). */
    private static float[] input(int rank, boolean positive) {
        SplittableRandom random = new SplittableRandom(77 + rank);
        float[] x = new float[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            x[i] = positive ? (float) random.nextDouble(0.5, 1)
                    : (float) (1e-2 * gaussian(random));
        }
        return x;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Test
    void allReduceSum_noCompression_fp32Accurate() throws Exception {
        Error e = measure(Compression.NONE, true);
        assertTrue(e.maxRelative() < 4 * 0x1p-24, "relative error " + e.maxRelative());
    }

    @Test
    void allReduceSum_fp16_withinFourUnitRoundoffs() throws Exception {
        double u = 0x1p-11;
        Error positive = measure(Compression.FP16, true);
        assertTrue(positive.maxRelative() <= RANKS * u, "relative error " + positive.maxRelative());
        assertTrue(positive.maxRelative() > u / 4, "compression must cost some accuracy");
        Error signed = measure(Compression.FP16, false);
        assertTrue(signed.maxOfSumAbs() <= RANKS * u, "error/sum|x| " + signed.maxOfSumAbs());
    }

    @Test
    void allReduceSum_bf16_withinFourUnitRoundoffs() throws Exception {
        double u = 0x1p-8;
        Error positive = measure(Compression.BF16, true);
        assertTrue(positive.maxRelative() <= RANKS * u, "relative error " + positive.maxRelative());
        assertTrue(positive.maxRelative() > u / 4, "compression must cost some accuracy");
        Error signed = measure(Compression.BF16, false);
        assertTrue(signed.maxOfSumAbs() <= RANKS * u, "error/sum|x| " + signed.maxOfSumAbs());
    }
}
