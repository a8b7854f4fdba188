package dev.cluda.uda;

import java.util.List;

/** Three images whose class totals are n = (10000, 6000, 4000): f = (0.5, 0.3, 0.2). */
final class RcsFixtures {

    private RcsFixtures() {
    }

    static ImageClassCounts image(String file, long c0, long c1, long c2) {
        long[] counts = new long[19];
        counts[0] = c0;
        counts[1] = c1;
        counts[2] = c2;
        return new ImageClassCounts(file, counts);
    }

    /** a: {0: 6000, 1: 4000}; b: {0: 4000, 2: 3500}; c: {1: 2000, 2: 500}. */
    static ClassStatistics threeClasses() {
        return ClassStatistics.of(List.of(image("a", 6000, 4000, 0), image("b", 4000, 0, 3500),
                image("c", 0, 2000, 500)));
    }
}
