package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    private static int half(float f) {
        return HalfFloats.toHalf(f) & 0xffff;
    }

    private static int bf16(float f) {
        return HalfFloats.toBfloat16(f) & 0xffff;
    }

    @Test
    void toHalf_knownValues_ieeeBits() {
        assertEquals(0x3c00, half(1f));
        assertEquals(0xc000, half(-2f));
        assertEquals(0x0000, half(0f));
        assertEquals(0x8000, half(-0f));
        assertEquals(0x7bff, half(65504f));
        assertEquals(0x7bff, half(65519.99f));
        assertEquals(0x7c00, half(65520f)); // tie between 65504 (odd) and 65536: up, to infinity
        assertEquals(0xfc00, half(Float.NEGATIVE_INFINITY));
        assertEquals(0x0400, half(0x1p-14f)); // smallest normal
        assertEquals(0x0001, half(0x1p-24f)); // smallest subnormal
        assertEquals(0x0000, half(0x1p-25f)); // tie with zero: to even, zero
        assertEquals(0x0001, half(0x1.8p-25f));
        assertEquals(0x0002, half(0x1.4p-23f)); // 2.5·2^-24: tie between 2 and 3 ulps, to even 2
        assertEquals(0x0004, half(0x1.cp-23f)); // 3.5·2^-24: tie between 3 and 4 ulps, to even 4
        assertEquals(0x03ff, half(0x1.ff8p-15f)); // largest subnormal
        assertEquals(0x0400, half(0x1.ffcp-15f)); // tie above the largest subnormal: to normal
        assertEquals(0x3c00, half(1f + 0x1p-11f)); // tie: to even 1.0
        assertEquals(0x3c02, half(1f + 0x3p-11f)); // tie: to even 1 + 2^-9
        assertEquals(0x3c01, half(Float.intBitsToFloat(0x3f80_1001))); // 1 + 2^-11 + 2^-23: up
        assertTrue(Float.isNaN(HalfFloats.fromHalf(HalfFloats.toHalf(Float.NaN))));
    }

    @Test
    void fromHalf_everyFiniteHalf_roundTripsExactly() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = HalfFloats.fromHalf((short) h);
            if (Float.isNaN(f)) {
                assertEquals(0x7c00, h & 0x7c00, "NaN only with the all-ones exponent");
                continue;
            }
            assertEquals(h, half(f), "half 0x" + Integer.toHexString(h));
        }
        assertEquals(65504f, HalfFloats.fromHalf((short) 0x7bff));
        assertEquals(0x1p-24f, HalfFloats.fromHalf((short) 0x0001));
        assertEquals(-1.5f, HalfFloats.fromHalf((short) 0xbe00));
    }

    @Test
    void toHalf_randomFloats_nearestHalfTiesToEven() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            // from below half the smallest subnormal up to just under the overflow threshold
            float f = Float.intBitsToFloat(random.nextInt(0x3000_0000, 0x477f_f000))
                    * (random.nextBoolean() ? 1 : -1);
            int h = half(f);
            double got = HalfFloats.fromHalf((short) h);
            double below = HalfFloats.fromHalf((short) (h - 1));
            double above = HalfFloats.fromHalf((short) (h + 1));
            double err = Math.abs(got - f);
            if ((h & 0x7fff) != 0) {
                assertTrue(err <= Math.abs(below - f), f + " nearer to the half below");
            }
            if ((h & 0x7fff) < 0x7bff) {
                assertTrue(err <= Math.abs(above - f), f + " nearer to the half above");
            }
            if ((h & 0x7fff) > 0 && (h & 0x7fff) < 0x7bff
                    && (err == Math.abs(below - f) || err == Math.abs(above - f))) {
                assertEquals(0, h & 1, "tie at " + f + " must round to even");
            }
        }
    }

    @Test
    void toBfloat16_knownValues_roundToNearestEven() {
        assertEquals(0x3f80, bf16(1f));
        assertEquals(0x3f80, bf16(Float.intBitsToFloat(0x3f80_8000))); // tie: to even
        assertEquals(0x3f82, bf16(Float.intBitsToFloat(0x3f81_8000))); // tie: to even (up)
        assertEquals(0x3f81, bf16(Float.intBitsToFloat(0x3f80_8001))); // above the tie
        assertEquals(0x7f80, bf16(Float.MAX_VALUE)); // rounds past the largest bfloat16
        assertEquals(0xff80, bf16(Float.NEGATIVE_INFINITY));
        assertEquals(0x8000, bf16(-0f));
        assertTrue(Float.isNaN(HalfFloats.fromBfloat16(HalfFloats.toBfloat16(
                Float.intBitsToFloat(0x7f80_0001))))); // NaN with only low bits stays NaN
        assertEquals(1.5f, HalfFloats.fromBfloat16((short) 0x3fc0));
    }

    @Test
    void roundTrip_fp16AndBf16_relativeErrorWithinHalfAnUlp() {
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) random.nextDouble(1e-3, 1e4);
            assertTrue(Math.abs(Compression.FP16.roundTrip(f) - f) <= f * 0x1p-11);
            assertTrue(Math.abs(Compression.BF16.roundTrip(f) - f) <= f * 0x1p-8);
            assertEquals(f, Compression.NONE.roundTrip(f));
        }
    }
}
