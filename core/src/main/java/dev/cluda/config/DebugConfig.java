package dev.cluda.config;

/**
 * {@code debug.*}: a fault injected on purpose, to test that a failed rank's stage is retried and
 * resumes from the latest checkpoint, and diagnostics that cost time.
 *
 * @param failAtIteration the iteration before which rank {@code failRank} throws on the first
 *     attempt of a run; -1 = never
 * @param failRank the rank that fails
 * @param nonFiniteAtIteration the iteration whose first source image gets a NaN pixel, so its loss is
 *     not finite (tests that a diverged run stops naming the term and iteration); -1 = never
 * @param gradientNorms whether log iterations record each loss term's gradient norm (encoder, head)
 */
public record DebugConfig(long failAtIteration, int failRank, long nonFiniteAtIteration, boolean gradientNorms) {

    public DebugConfig {
        if (failAtIteration < -1) {
            throw new IllegalArgumentException("failAtIteration must be -1 (never) or an iteration, got "
                    + failAtIteration);
        }
        if (nonFiniteAtIteration < -1) {
            throw new IllegalArgumentException("nonFiniteAtIteration must be -1 (never) or an iteration, got "
                    + nonFiniteAtIteration);
        }
        if (failRank < 0) {
            throw new IllegalArgumentException("failRank must be >= 0, got " + failRank);
        }
    }

    static DebugConfig from(Settings s) {
        return new DebugConfig(s.longValue("debug.failAtIteration", -1), s.integer("debug.failRank", 0, 4095),
                s.longValue("debug.nonFiniteAtIteration", -1), s.flag("debug.gradientNorms"));
    }

    /** Whether {@code rank} must fail before running iteration {@code t} of attempt {@code attempt} (0 first). */
    public boolean failsAt(long t, int rank, int attempt) {
        return attempt == 0 && rank == failRank && t == failAtIteration;
    }
}
