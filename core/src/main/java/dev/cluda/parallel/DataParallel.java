package dev.cluda.parallel;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.cluda.comm.Collective;
import dev.cluda.eval.ConfusionMatrix;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one rank of a data-parallel job does with its {@link Collective} (reference §13,
 * "Data-parallel replicas"): gradients averaged before every optimizer step, BatchNorm
 * running statistics averaged every step, weights checked bit-identical by checksum, evaluation
 * sharded and its confusion matrices summed. Every rank must make the same calls in the same
 * order with the same models. Buffer layouts are built once per block and the host buffer is
 * reused, so a step allocates nothing in Java after the first. Not thread-safe: one rank, one
 * thread.
 */
public final class DataParallel {

    /** Where the time of one synchronisation went: host copies (both ways) and the all-reduce. */
    public record SyncTimes(long copyNanos, long allReduceNanos) {

        public static final SyncTimes NONE = new SyncTimes(0, 0);
    }

    private final Collective collective;
    private final Map<Block, GradientBuffer> gradientLayouts = new IdentityHashMap<>();
    private final Map<List<Block>, BatchNormStatistics> statisticsLayouts = new java.util.HashMap<>();
    /** Host buffers by length, reused every step (a collective reduces whole arrays). */
    private final Map<Integer, float[]> buffers = new java.util.HashMap<>();

    public DataParallel(Collective collective) {
        this.collective = Objects.requireNonNull(collective, "collective");
    }

    public int rank() {
        return collective.rank();
    }

    public int size() {
        return collective.size();
    }

    public Collective collective() {
        return collective;
    }

    /**
     * Replaces every trainable gradient of {@code block} by its mean over the ranks, in place:
     * flatten into one buffer, {@link Collective#allReduceMean}, write back. With one rank it
     * returns at once without copying.
     *
     * @param step the iteration's manager, which takes the gradient handles
     */
    public SyncTimes averageGradients(Block block, NDManager step) {
        return size() == 1 ? SyncTimes.NONE : average(gradients(block), null, step);
    }

    /**
     * Replaces the BatchNorm running mean and variance of every block by their mean over the
     * ranks, in place (null blocks are skipped). With one rank it returns at once.
     */
    public SyncTimes averageBatchNormStatistics(Block... blocks) {
        return size() == 1 ? SyncTimes.NONE : average(null, statistics(blocks), null);
    }

    /**
     * The per-step synchronisation in one all-reduce: the trainable gradients of {@code student}
     * followed by the BatchNorm running statistics of {@code student} and {@code teacher}
     * (nullable), all replaced by their means over the ranks. Equivalent to
     * {@link #averageGradients} then {@link #averageBatchNormStatistics}, with one ring pass.
     * With one rank it returns at once without copying.
     */
    public SyncTimes synchronize(Block student, Block teacher, NDManager step) {
        return size() == 1 ? SyncTimes.NONE : average(gradients(student), statistics(student, teacher), step);
    }

    private SyncTimes average(GradientBuffer grads, BatchNormStatistics stats, NDManager step) {
        int g = grads == null ? 0 : grads.length();
        int s = stats == null ? 0 : stats.length();
        if (g + s == 0) {
            return SyncTimes.NONE;
        }
        long t0 = System.nanoTime();
        float[] flat = buffers.computeIfAbsent(g + s, float[]::new);
        if (grads != null) {
            grads.read(step, flat, 0);
        }
        if (stats != null) {
            stats.read(flat, g);
        }
        long t1 = System.nanoTime();
        collective.allReduceMean(flat);
        long t2 = System.nanoTime();
        if (grads != null) {
            grads.write(step, flat, 0);
        }
        if (stats != null) {
            stats.write(flat, g);
        }
        long t3 = System.nanoTime();
        return new SyncTimes((t1 - t0) + (t3 - t2), t2 - t1);
    }

    /** {@link WeightChecksum#of} the block. */
    public static long checksum(Block block) {
        return WeightChecksum.of(block);
    }

    /**
     * All-gathers the checksums of {@code student} and {@code teacher} (nullable, then only the
     * student's) and fails on every rank if any rank's differs.
     *
     * @throws IllegalStateException naming the model, the ranks whose checksum differs from rank
     *     0's and every rank's checksum
     */
    public void verifyIdentical(Block student, Block teacher) {
        String problems = differences("student", collective.allGatherLong(checksum(student)));
        if (teacher != null) {
            problems += differences("teacher", collective.allGatherLong(checksum(teacher)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("replicas are no longer identical (seen by rank " + rank() + "):"
                    + problems + "; every rank must start from the same seed or checkpoint and apply the same"
                    + " averaged gradients");
        }
    }

    /**
     * Fails on every rank unless every rank holds the same {@code value}.
     *
     * @param what names the value in the error
     * @throws IllegalStateException listing every rank's value
     */
    public void requireSameOnEveryRank(long value, String what) {
        long[] all = collective.allGatherLong(value);
        for (long v : all) {
            if (v != value) {
                throw new IllegalStateException("ranks disagree on " + what + ": " + java.util.Arrays.toString(all)
                        + " (seen by rank " + rank() + "); every rank must read the same run directory");
            }
        }
    }

    /** The sum of every rank's matrix (all ranks get the same); {@code local} is left unchanged. */
    public ConfusionMatrix allReduce(ConfusionMatrix local) {
        long[] flat = local.toLongArray();
        collective.allReduceSum(flat);
        return ConfusionMatrix.fromLongArray(local.numClasses(), flat);
    }

    /** This rank's share of {@code items}: those at indices {@code i} with {@code i % size() == rank()}. */
    public <T> List<T> shard(List<T> items) {
        return shard(items, rank(), size());
    }

    /** Items at indices {@code i} with {@code i % size == rank}, in order. */
    public static <T> List<T> shard(List<T> items, int rank, int size) {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + size + ")");
        }
        List<T> out = new ArrayList<>((items.size() + size - 1) / size);
        for (int i = rank; i < items.size(); i += size) {
            out.add(items.get(i));
        }
        return out;
    }

    private static String differences(String what, long[] checksums) {
        List<Integer> differ = new ArrayList<>();
        for (int r = 1; r < checksums.length; r++) {
            if (checksums[r] != checksums[0]) {
                differ.add(r);
            }
        }
        if (differ.isEmpty()) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        for (int r = 0; r < checksums.length; r++) {
            all.append(r == 0 ? "" : ", ").append("rank ").append(r).append(' ').append(WeightChecksum.hex(checksums[r]));
        }
        return " " + what + " weights of ranks " + differ + " differ from rank 0's (" + all + ")";
    }

    private BatchNormStatistics statistics(Block... blocks) {
        List<Block> present = new ArrayList<>();
        for (Block b : blocks) {
            if (b != null) {
                present.add(b);
            }
        }
        return statisticsLayouts.computeIfAbsent(List.copyOf(present),
                k -> BatchNormStatistics.of(k.toArray(new Block[0])));
    }

    private GradientBuffer gradients(Block block) {
        return gradientLayouts.computeIfAbsent(block, GradientBuffer::of);
    }
}
