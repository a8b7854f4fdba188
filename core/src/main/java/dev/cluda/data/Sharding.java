package dev.cluda.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic per-epoch shards of a dataset for data-parallel ranks, so that every
 * rank can compute its own without talking to the others: the sample ids are sorted, permuted with a generator seeded from (seed, epoch) only,
 * and the permutation is cut into {@code ranks} contiguous parts of near-equal size. So in every
 * epoch each sample belongs to exactly one rank, shard sizes differ by at most one, and every
 * rank computes the same assignment on its own without talking to the others. The order inside
 * a shard is the permutation order, which a rank may iterate as its epoch order.
 *
 * <p>Lives in core, not in the Spark module, because the trainer (core) reads its rank's shard
 * through it and needs no Spark for that. Immutable and thread-safe.
 */
public final class Sharding {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final int ranks;

    /**
     * @param seed the run's seed ({@code train.seed})
     * @param ranks the number of data-parallel ranks, at least 1
     * @throws IllegalArgumentException if {@code ranks} is below 1
     */
    public Sharding(long seed, int ranks) {
        if (ranks < 1) {
            throw new IllegalArgumentException("number of ranks must be at least 1, got " + ranks
                    + " (distributed.ranks)");
        }
        this.seed = seed;
        this.ranks = ranks;
    }

    public long seed() {
        return seed;
    }

    public int ranks() {
        return ranks;
    }

    /**
     * The ids of the whole dataset in this epoch's order: the sorted ids permuted by a
     * Fisher–Yates shuffle seeded from (seed, epoch). Independent of the order of {@code ids}.
     *
     * @throws IllegalArgumentException if an id is null or appears twice, or {@code epoch} is negative
     */
    public List<String> epochOrder(Collection<String> ids, long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        }
        List<String> sorted = new ArrayList<>(ids.size());
        for (String id : ids) {
            sorted.add(Objects.requireNonNull(id, "sample id"));
        }
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).equals(sorted.get(i - 1))) {
                throw new IllegalArgumentException("sample id '" + sorted.get(i) + "' appears twice; shard ids must"
                        + " be unique");
            }
        }
        SplittableRandom random = new SplittableRandom(mix(seed * GOLDEN + epoch));
        for (int i = sorted.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = sorted.get(i);
            sorted.set(i, sorted.get(j));
            sorted.set(j, t);
        }
        return sorted;
    }

    /**
     * The first position (in {@link #epochOrder}) of rank {@code rank}'s part among {@code size}
     * samples: {@code floor(rank * size / ranks)}; {@code rank = ranks} gives {@code size}.
     */
    public int shardStart(int size, int rank) {
        if (rank < 0 || rank > ranks) {
            throw new IllegalArgumentException("rank must be in 0.." + (ranks - 1) + ", got " + rank);
        }
        return (int) ((long) rank * size / ranks);
    }

    /** The ids rank {@code rank} uses in {@code epoch}, in epoch order. */
    public List<String> shardIds(Collection<String> ids, long epoch, int rank) {
        checkRank(rank);
        List<String> order = epochOrder(ids, epoch);
        return List.copyOf(order.subList(shardStart(order.size(), rank), shardStart(order.size(), rank + 1)));
    }

    /**
     * The samples rank {@code rank} uses in {@code epoch}, in epoch order (keyed by {@link SampleRef#id()}).
     *
     * @throws IllegalArgumentException if two samples share an id or the rank is out of range
     */
    public List<SampleRef> shard(List<SampleRef> samples, long epoch, int rank) {
        checkRank(rank);
        Map<String, SampleRef> byId = new HashMap<>();
        for (SampleRef ref : samples) {
            if (byId.put(ref.id(), ref) != null) {
                throw new IllegalArgumentException("sample id '" + ref.id() + "' appears twice; shard ids must be unique");
            }
        }
        List<SampleRef> out = new ArrayList<>();
        for (String id : shardIds(byId.keySet(), epoch, rank)) {
            out.add(byId.get(id));
        }
        return out;
    }

    /** The rank of every id in {@code epoch}. */
    public Map<String, Integer> assignment(Collection<String> ids, long epoch) {
        List<String> order = epochOrder(ids, epoch);
        Map<String, Integer> ranksById = new HashMap<>();
        for (int r = 0; r < ranks; r++) {
            for (int i = shardStart(order.size(), r); i < shardStart(order.size(), r + 1); i++) {
                ranksById.put(order.get(i), r);
            }
        }
        return ranksById;
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank must be in 0.." + (ranks - 1) + ", got " + rank);
        }
    }

    /** SplitMix64's finaliser, so that neighbouring (seed, epoch) pairs give unrelated generators. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
