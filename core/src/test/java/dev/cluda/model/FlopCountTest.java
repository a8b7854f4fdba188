package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** FLOPs counted from the architecture against hand counts and PyTorch's profiler. */
class FlopCountTest {

    @Test
    void block_mitB0FirstStageOn32x32_matchesTheHandCount() {
        // n = 1024 tokens of 32 channels, sr 8 -> 16 reduced tokens
        long q = 2L * 1024 * 32 * 32;
        long sr = 2L * 16 * 32 * 32 * 64;          // 4x4 output, 32 in, 32 out, 8x8 kernel
        long kv = 2L * 16 * 32 * 64;
        long attention = 2 * (2L * 1024 * 16 * 32); // q.k^T and attention.v
        long proj = 2L * 1024 * 32 * 32;
        long ffn = 2L * 1024 * 32 * 128 + 2L * 1024 * 128 * 9 + 2L * 1024 * 128 * 32;
        assertEquals(q + sr + kv + attention + proj + ffn, FlopCount.block(32, 8, 32, 32));
        assertEquals(27_590_656L, FlopCount.block(32, 8, 32, 32));
    }

    @Test
    void head_asppOn64x64Input_matchesTheHandCount() {
        int[] dims = {32, 64, 160, 256};
        long embed = 2L * 256 * 32 * 16 + 2L * 64 * 64 * 16 + 2L * 16 * 160 * 16 + 2L * 4 * 256 * 16;
        long p = 16 * 16;
        long branch1 = 2 * p * 64 * 16;
        long separable = 3 * (2 * p * 64 * 9 + 2 * p * 64 * 16);
        long bottleneck = 2 * p * 64 * 16 * 9;
        long cls = 2 * p * 16 * 19;
        assertEquals(embed + branch1 + separable + bottleneck + cls, FlopCount.head(dims, 16, 16, 19, true, 64, 64));
        assertEquals(8_364_032L, FlopCount.head(dims, 16, 16, 19, true, 64, 64));
        assertEquals(embed + 2 * p * 64 * 16 + cls, FlopCount.head(dims, 16, 16, 19, false, 64, 64));
    }

    @Test
    void forward_syntheticDefault_matchesPyTorchsProfiler() {
        // PyTorch's profiler (with_flops) on the same architecture, MiT-B0 + 128/128 head at 128x128, batch 1: 2.07 GFLOP
        double counted = FlopCount.forward(new ModelSpec("mit_b0", 128, 128, 19, 0.1), 128, 128);
        assertEquals(2.07e9, counted, 0.01 * 2.07e9);
    }

    @Test
    void forward_sideHeads_addTheirOwnHeads() {
        ModelSpec plain = new ModelSpec("mit_b0", 64, 64, 19, 0.1);
        ModelSpec withHeads = new ModelSpec("mit_b0", 64, 64, 19, 0.1, true, 32, true);
        int[] dims = {32, 64, 160, 256};
        assertEquals(FlopCount.forward(plain, 128, 64) + FlopCount.head(dims, 32, 32, 19, false, 128, 64)
                + FlopCount.head(dims, 32, 32, 1, false, 128, 64), FlopCount.forward(withHeads, 128, 64));
    }
}
