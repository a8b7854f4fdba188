package dev.cluda.loss;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The kept anchors reordered so that each class key is one contiguous block, with what the
 * block form of the pixel contrast needs: positives of an anchor are the rest of its block, and
 * its negatives are the other blocks of its group (class keys refine group keys, {@link AnchorSet}).
 *
 * @param order        anchor positions in {@link AnchorSet} order, sorted by class key (stable)
 * @param starts       block {@code b} is {@code order[starts[b] .. starts[b + 1])}; length blocks + 1
 * @param negativeMask {@code (N, blocks)} row-major, in sorted order: 1 where block {@code b} holds
 *                     negatives of the anchor (same group, other class), else 0
 * @param hasNegatives per sorted anchor: whether any negative exists
 */
record ClassBlocks(int[] order, int[] starts, float[] negativeMask, boolean[] hasNegatives) {

    int blocks() {
        return starts.length - 1;
    }

    int size(int block) {
        return starts[block + 1] - starts[block];
    }

    static ClassBlocks of(AnchorSet anchors) {
        long[] classKeys = anchors.classKeys();
        long[] groupKeys = anchors.groupKeys();
        int n = classKeys.length;
        int[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingLong(i -> classKeys[i]))
                .mapToInt(Integer::intValue).toArray();
        int[] starts = new int[n + 1];
        long[] blockGroup = new long[n];
        int blocks = 0;
        for (int r = 0; r < n; r++) {
            if (r == 0 || classKeys[order[r]] != classKeys[order[r - 1]]) {
                blockGroup[blocks] = groupKeys[order[r]];
                starts[blocks++] = r;
            }
        }
        starts[blocks] = n;
        starts = Arrays.copyOf(starts, blocks + 1);
        float[] mask = new float[n * blocks];
        boolean[] hasNegatives = new boolean[n];
        for (int b = 0; b < blocks; b++) {
            for (int r = starts[b]; r < starts[b + 1]; r++) {
                for (int other = 0; other < blocks; other++) {
                    if (other != b && blockGroup[other] == blockGroup[b]) {
                        mask[r * blocks + other] = 1f;
                        hasNegatives[r] = true;
                    }
                }
            }
        }
        return new ClassBlocks(order, starts, mask, hasNegatives);
    }
}
