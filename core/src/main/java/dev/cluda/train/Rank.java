package dev.cluda.train;

import ai.djl.Device;
import dev.cluda.comm.SingleRankCollective;
import dev.cluda.parallel.DataParallel;
import java.util.Objects;

/**
 * Where one rank of a run trains: its place among the ranks, the attempt of the stage that runs
 * it, and its device. A run in this process is {@link #alone()}: one rank, whose all-reduces
 * return at once.
 *
 * @param parallel the rank and its collective
 * @param attempt the attempt number of the Spark stage running the ranks (0 first); the fault of
 *     {@code debug.failAtIteration} is injected on attempt 0 only
 * @param device where the models live (a GPU, or the CPU); null for the engine's default
 */
public record Rank(DataParallel parallel, int attempt, Device device) {

    public Rank {
        Objects.requireNonNull(parallel, "parallel");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
    }

    /** The only rank of a run in this process, on the engine's default device. */
    public static Rank alone() {
        return new Rank(new DataParallel(new SingleRankCollective()), 0, null);
    }

    public int index() {
        return parallel.rank();
    }

    /** Rank 0 writes the run directory. */
    public boolean writes() {
        return parallel.rank() == 0;
    }
}
