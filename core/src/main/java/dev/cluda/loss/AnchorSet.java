package dev.cluda.loss;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The pixels that take part in the pixel contrast, chosen on the host from the flattened labels
 * (reference §5.3, §5.5, §5.6 and the §13 decisions): 255 never takes part; with
 * {@link PixelContrastiveLoss.PairSet#SOURCE_ONLY} target pixels never take part; an optional
 * per-class cap keeps a random subset of each class.
 *
 * <p>Two kept pixels may form a pair (positive or negative) only when their {@code groupKeys}
 * are equal; they are positives of each other when also their {@code classKeys} are equal.
 *
 * @param indices        flat pixel indices (image-major, then row, then column), ascending
 * @param classKeys      per kept pixel: group key and class together
 * @param groupKeys      per kept pixel: stuff/thing group (when separated) and domain (for
 *                       {@link PixelContrastiveLoss.PairSet#SAME_DOMAIN})
 * @param positiveCounts per kept pixel: |P(i)|, the other kept pixels with the same class key
 */
record AnchorSet(long[] indices, long[] classKeys, long[] groupKeys, float[] positiveCounts) {

    private static final int KEY_STRIDE = 256;

    int size() {
        return indices.length;
    }

    /**
     * Chooses the participating pixels.
     *
     * @param labels             flat labels, train ids 0..18 or 255
     * @param domains            flat domains ({@link PixelContrastiveLoss#SOURCE} or
     *                           {@link PixelContrastiveLoss#TARGET}); may be null for ALL
     * @param pairSet            which pairs enter
     * @param separateStuffThing whether stuff–thing pairs are dropped
     * @param maxPerClass        at most this many pixels per class, 0 for no cap
     * @param random             draws the capped subsets; may be null when there is no cap
     */
    static AnchorSet select(int[] labels, int[] domains, PixelContrastiveLoss.PairSet pairSet,
                            boolean separateStuffThing, int maxPerClass, RandomGenerator random) {
        boolean[] thing = CityscapesClass.thingMask();
        int[][] byClass = new int[CityscapesClass.COUNT][];
        int[] counts = new int[CityscapesClass.COUNT];
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y == LabelMap.IGNORE) {
                continue;
            }
            if (y < 0 || y >= CityscapesClass.COUNT) {
                throw new IllegalArgumentException("contrastive labels must be train ids 0.."
                        + (CityscapesClass.COUNT - 1) + " or " + LabelMap.IGNORE + ", got " + y);
            }
            if (pairSet == PixelContrastiveLoss.PairSet.SOURCE_ONLY && domains[i] != PixelContrastiveLoss.SOURCE) {
                continue;
            }
            counts[y]++;
        }
        for (int c = 0; c < counts.length; c++) {
            byClass[c] = new int[counts[c]];
            counts[c] = 0;
        }
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y == LabelMap.IGNORE
                    || (pairSet == PixelContrastiveLoss.PairSet.SOURCE_ONLY
                        && domains[i] != PixelContrastiveLoss.SOURCE)) {
                continue;
            }
            byClass[y][counts[y]++] = i;
        }
        int total = 0;
        for (int c = 0; c < byClass.length; c++) {
            if (maxPerClass > 0 && byClass[c].length > maxPerClass) {
                byClass[c] = sampleWithoutReplacement(byClass[c], maxPerClass, random);
            }
            total += byClass[c].length;
        }
        long[] indices = new long[total];
        int k = 0;
        for (int[] members : byClass) {
            for (int i : members) {
                indices[k++] = i;
            }
        }
        Arrays.sort(indices);

        long[] classKeys = new long[total];
        long[] groupKeys = new long[total];
        for (int r = 0; r < total; r++) {
            int i = (int) indices[r];
            int y = labels[i];
            long group = 0;
            if (separateStuffThing && thing[y]) {
                group += 1;
            }
            if (pairSet == PixelContrastiveLoss.PairSet.SAME_DOMAIN) {
                group += 2L * domains[i];
            }
            groupKeys[r] = group;
            classKeys[r] = group * KEY_STRIDE + y;
        }
        float[] positiveCounts = countOthersWithSameKey(classKeys);
        return new AnchorSet(indices, classKeys, groupKeys, positiveCounts);
    }

    private static float[] countOthersWithSameKey(long[] keys) {
        Map<Long, Integer> counts = new HashMap<>();
        for (long key : keys) {
            counts.merge(key, 1, Integer::sum);
        }
        float[] out = new float[keys.length];
        for (int r = 0; r < keys.length; r++) {
            out[r] = counts.get(keys[r]) - 1;
        }
        return out;
    }

    /** Partial Fisher–Yates: the first {@code k} of a random permutation of {@code members}. */
    private static int[] sampleWithoutReplacement(int[] members, int k, RandomGenerator random) {
        int[] pool = members.clone();
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(pool.length - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        return Arrays.copyOf(pool, k);
    }
}
