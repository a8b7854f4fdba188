package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardingTest {

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(String.format("%05d", i));
        }
        return ids;
    }

    @Test
    void shardIds_threeRanksOfTen_areDisjointCoverAllAndDifferByAtMostOne() {
        Sharding sharding = new Sharding(7, 3);
        List<String> ids = ids(10);
        Set<String> union = new HashSet<>();
        int total = 0;
        List<Integer> sizes = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            List<String> shard = sharding.shardIds(ids, 4, r);
            sizes.add(shard.size());
            total += shard.size();
            union.addAll(shard);
        }
        assertEquals(10, total, "no sample used twice");
        assertEquals(new HashSet<>(ids), union, "every sample used");
        // floor(r * 10 / 3): 0, 3, 6, 10 -> sizes 3, 3, 4
        assertEquals(List.of(3, 3, 4), sizes);
    }

    @Test
    void shardIds_sameSeedEpochRanks_sameShardWhateverTheInputOrder() {
        List<String> ids = ids(50);
        List<String> shuffled = new ArrayList<>(ids);
        Collections.reverse(shuffled);
        List<String> a = new Sharding(3, 4).shardIds(ids, 2, 1);
        List<String> b = new Sharding(3, 4).shardIds(shuffled, 2, 1);
        assertEquals(a, b);
    }

    @Test
    void shardIds_nextEpoch_changesTheAssignment() {
        Sharding sharding = new Sharding(3, 4);
        List<String> ids = ids(50);
        assertNotEquals(sharding.assignment(ids, 0), sharding.assignment(ids, 1));
        assertNotEquals(sharding.epochOrder(ids, 0), sharding.epochOrder(ids, 1));
    }

    @Test
    void shardIds_otherSeed_changesTheAssignment() {
        List<String> ids = ids(50);
        assertNotEquals(new Sharding(1, 2).assignment(ids, 0), new Sharding(2, 2).assignment(ids, 0));
    }

    @Test
    void epochOrder_isAPermutationOfTheSortedIds() {
        List<String> order = new Sharding(9, 1).epochOrder(ids(20), 5);
        List<String> sorted = new ArrayList<>(order);
        sorted.sort(null);
        assertEquals(ids(20), sorted);
        assertNotEquals(ids(20), order, "20 ids left in sorted order by a shuffle: 1 in 20! chance");
    }

    @Test
    void assignment_agreesWithShardIds() {
        Sharding sharding = new Sharding(11, 3);
        List<String> ids = ids(17);
        Map<String, Integer> assignment = sharding.assignment(ids, 6);
        assertEquals(17, assignment.size());
        for (int r = 0; r < 3; r++) {
            for (String id : sharding.shardIds(ids, 6, r)) {
                assertEquals(r, assignment.get(id));
            }
        }
    }

    @Test
    void shard_fewerSamplesThanRanks_someShardsEmptyNoneDuplicated() {
        Sharding sharding = new Sharding(1, 4);
        List<String> ids = ids(2);
        int total = 0;
        for (int r = 0; r < 4; r++) {
            int size = sharding.shardIds(ids, 0, r).size();
            assertTrue(size <= 1);
            total += size;
        }
        assertEquals(2, total);
    }

    @Test
    void shard_sampleRefs_followTheIdShards() {
        List<SampleRef> refs = new ArrayList<>();
        for (String id : ids(9)) {
            refs.add(new SampleRef(id, "images/" + id + ".png", "labels/" + id + ".png", "", ""));
        }
        Sharding sharding = new Sharding(5, 2);
        List<SampleRef> shard = sharding.shard(refs, 3, 1);
        List<String> shardIds = new ArrayList<>();
        for (SampleRef ref : shard) {
            shardIds.add(ref.id());
            assertEquals("images/" + ref.id() + ".png", ref.imagePath());
        }
        assertEquals(sharding.shardIds(ids(9), 3, 1), shardIds);
    }

    @Test
    void invalidArguments_areRejectedWithTheirValue() {
        IllegalArgumentException ranks = assertThrows(IllegalArgumentException.class, () -> new Sharding(1, 0));
        assertTrue(ranks.getMessage().contains("0"));
        Sharding sharding = new Sharding(1, 2);
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> sharding.shardIds(ids(4), 0, 2));
        assertTrue(rank.getMessage().contains("0..1"), rank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sharding.shardIds(ids(4), -1, 0));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> sharding.shardIds(List.of("a", "b", "a"), 0, 0));
        assertTrue(dup.getMessage().contains("'a'"), dup.getMessage());
    }
}
