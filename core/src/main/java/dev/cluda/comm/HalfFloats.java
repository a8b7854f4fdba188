package dev.cluda.comm;

/**
 * Conversions between fp32 and the two 16-bit wire formats (IEEE 754 binary16 and bfloat16),
 * both rounding to nearest, ties to even. Java 17 has no {@code Float.floatToFloat16}, hence
 * these.
 */
final class HalfFloats {

    /** binary16 → fp32 for every one of the 65536 bit patterns; exact. */
    private static final float[] HALF_TO_FLOAT = buildHalfTable();

    private HalfFloats() {
    }

    /**
     * fp32 → binary16, round to nearest even. Magnitudes from 65520 up become infinity, below
     * 2^-24 the result is subnormal or zero; NaN stays NaN (quiet), the sign is kept.
     */
    static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fff_ffff;
        if (abs >= 0x7f80_0000) { // infinity or NaN
            int nan = abs > 0x7f80_0000 ? 0x0200 | ((abs >>> 13) & 0x03ff) : 0;
            return (short) (sign | 0x7c00 | nan);
        }
        if (abs >= 0x477f_f000) { // >= 65520 = max half + half an ulp: rounds to infinity
            return (short) (sign | 0x7c00);
        }
        if (abs >= 0x3880_0000) { // >= 2^-14: a normal half; rebias exponent 127 → 15
            int v = abs - 0x3800_0000;
            v += 0x0fff + ((v >>> 13) & 1);
            return (short) (sign | (v >>> 13));
        }
        if (abs < 0x3300_0000) { // < 2^-25: below half the smallest subnormal
            return (short) sign;
        }
        // subnormal half: m × 2^-24 with m = mantissa24 × 2^(e - 126)
        int exponent = abs >>> 23;
        int mantissa = (abs & 0x007f_ffff) | 0x0080_0000;
        int shift = 126 - exponent; // 14..24
        int m = mantissa >>> shift;
        int rest = mantissa & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (m & 1) == 1)) {
            m++;
        }
        return (short) (sign | m);
    }

    /** binary16 → fp32 (exact). */
    static float fromHalf(short half) {
        return HALF_TO_FLOAT[half & 0xffff];
    }

    /**
     * fp32 → bfloat16 (the upper 16 bits of an fp32), round to nearest even; NaN stays a quiet
     * NaN, overflow past the largest bfloat16 becomes infinity.
     */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        bits += 0x7fff + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    /** bfloat16 → fp32 (exact). */
    static float fromBfloat16(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    private static float[] buildHalfTable() {
        float[] table = new float[1 << 16];
        for (int h = 0; h < table.length; h++) {
            int sign = (h & 0x8000) << 16;
            int exponent = (h >>> 10) & 0x1f;
            int mantissa = h & 0x03ff;
            float value;
            if (exponent == 0x1f) {
                value = Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
            } else if (exponent == 0) {
                float magnitude = mantissa * 0x1p-24f;
                value = sign != 0 ? -magnitude : magnitude;
            } else {
                value = Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
            }
            table[h] = value;
        }
        return table;
    }
}
