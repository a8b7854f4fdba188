package dev.cluda.train;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.Settings;
import java.time.Duration;

/**
 * The {@code distributed.*} and {@code debug.*} settings of a data-parallel run (issue 4,
 * "Consistency" and "Fault test"): how often replicas are checked identical, how long a
 * collective may wait for a peer, and the fault injected on the first attempt of a stage.
 *
 * @param checkInterval iterations between weight-checksum checks (and after the last)
 * @param timeout how long any collective operation may wait for a peer
 * @param failAtIteration the iteration at which rank {@code failRank} throws on attempt 0; -1 = never
 * @param failRank the rank that fails
 */
public record DistributedOptions(int checkInterval, Duration timeout, long failAtIteration, int failRank,
                                 dev.cluda.comm.Compression compression) {

    public DistributedOptions {
        if (checkInterval < 1) {
            throw new IllegalArgumentException("checkInterval must be at least 1, got " + checkInterval);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** Reads {@code distributed.checkInterval}, {@code distributed.timeoutSeconds} and {@code debug.*}. */
    public static DistributedOptions from(CludaConfig config) {
        Settings s = config.settings();
        return new DistributedOptions(s.integer("distributed.checkInterval", 1, Integer.MAX_VALUE),
                Duration.ofSeconds(s.integer("distributed.timeoutSeconds", 1, Integer.MAX_VALUE)),
                s.longValue("debug.failAtIteration", -1), s.integer("debug.failRank", 0, 4095),
                dev.cluda.comm.Compression.valueOf(s.choice("distributed.compression",
                        java.util.List.of("none", "fp16", "bf16")).toUpperCase(java.util.Locale.ROOT)));
    }

    /** Whether this rank must fail before running iteration {@code t} of stage attempt {@code attempt}. */
    public boolean failsAt(long t, int rank, int attempt) {
        return attempt == 0 && rank == failRank && t == failAtIteration;
    }

    /** Whether the replicas are checked after iteration {@code t} of a run of {@code iters}. */
    public boolean checksAfter(long t, long iters) {
        return (t + 1) % checkInterval == 0 || t + 1 == iters;
    }
}
