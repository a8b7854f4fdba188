package dev.cluda.config;

import dev.cluda.comm.Compression;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code distributed.*}: data-parallel training (reference §13, "Data-parallel replicas").
 *
 * @param ranks number of data-parallel ranks, one Spark barrier task each (1: train in this process)
 * @param checkInterval iterations between weight-checksum checks of the replicas (and after the last)
 * @param timeout how long any collective operation may wait for a peer
 * @param compression the gradient all-reduce's wire format
 */
public record DistributedConfig(int ranks, int checkInterval, Duration timeout, Compression compression) {

    public DistributedConfig {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks must be at least 1, got " + ranks);
        }
        if (checkInterval < 1) {
            throw new IllegalArgumentException("checkInterval must be at least 1, got " + checkInterval);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    static DistributedConfig from(Settings s) {
        return new DistributedConfig(s.integer("distributed.ranks", 1, 4096),
                s.integer("distributed.checkInterval", 1, Integer.MAX_VALUE),
                Duration.ofSeconds(s.integer("distributed.timeoutSeconds", 1, Integer.MAX_VALUE)),
                Compression.valueOf(s.choice("distributed.compression", List.of("none", "fp16", "bf16"))
                        .toUpperCase(Locale.ROOT)));
    }

    /** Whether the replicas are checked after iteration {@code t} of a run of {@code iters}. */
    public boolean checksAfter(long t, long iters) {
        return (t + 1) % checkInterval == 0 || t + 1 == iters;
    }
}
