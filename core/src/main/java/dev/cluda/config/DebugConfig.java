package dev.cluda.config;

/**
 * {@code debug.*}: a fault injected on purpose, to test that a failed rank's stage is retried and
 * resumes from the latest checkpoint.
 *
 * @param failAtIteration the iteration before which rank {@code failRank} throws on the first
 *     attempt of a run; -1 = never
 * @param failRank the rank that fails
 */
public record DebugConfig(long failAtIteration, int failRank) {

    public DebugConfig {
        if (failAtIteration < -1) {
            throw new IllegalArgumentException("failAtIteration must be -1 (never) or an iteration, got "
                    + failAtIteration);
        }
        if (failRank < 0) {
            throw new IllegalArgumentException("failRank must be >= 0, got " + failRank);
        }
    }

    static DebugConfig from(Settings s) {
        return new DebugConfig(s.longValue("debug.failAtIteration", -1), s.integer("debug.failRank", 0, 4095));
    }

    /** Whether {@code rank} must fail before running iteration {@code t} of attempt {@code attempt} (0 first). */
    public boolean failsAt(long t, int rank, int attempt) {
        return attempt == 0 && rank == failRank && t == failAtIteration;
    }
}
