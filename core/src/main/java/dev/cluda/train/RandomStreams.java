package dev.cluda.train;

import java.util.SplittableRandom;

/**
 * Every random stream of a run, derived from {@code (seed, rank, iteration, purpose)} at the
 * start of each iteration rather than carried as state: DJL cannot read libtorch's RNG state, so
 * a resumed run (or a rank restarted by Spark) reproduces the same draws from these four numbers
 * alone.
 */
final class RandomStreams {

    /** What a stream is for; each purpose gets an independent stream. */
    public enum Purpose {
        SOURCE_SAMPLING, TARGET_SAMPLING, SOURCE_CROP, TARGET_CROP, CLASS_MIX, PHOTOMETRIC, CONTRASTIVE, ENGINE,
        /** Appended last, so the streams of the purposes before it are unchanged. */
        MASKING,
        /** HRDA's detail crops, appended for the same reason. */
        DETAIL_CROP
    }

    private final long seed;
    private final int rank;

    public RandomStreams(long seed, int rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("rank must be >= 0, got " + rank);
        }
        this.seed = seed;
        this.rank = rank;
    }

    /** A fresh generator for {@code purpose} at {@code iteration}; the same arguments give the same stream. */
    public SplittableRandom stream(long iteration, Purpose purpose) {
        return new SplittableRandom(mix(seed, rank, iteration, purpose.ordinal()));
    }

    /** A 64-bit seed for the engine's own generator (dropout, drop path) at {@code iteration}. */
    public long engineSeed(long iteration) {
        return stream(iteration, Purpose.ENGINE).nextLong();
    }

    private static long mix(long seed, long rank, long iteration, long purpose) {
        long h = 0x9E3779B97F4A7C15L;
        for (long v : new long[] {seed, rank, iteration, purpose}) {
            h = murmurFinalize(h ^ murmurFinalize(v + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    private static long murmurFinalize(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
