package dev.cluda.config;

import java.util.List;

/**
 * {@code train.*}: iterations, seed, batch, crops and the AdamW schedule of reference §7/§8.3.
 *
 * @param sourceScale aspect-preserving resize of source images as {long, short} edge, or null
 * @param targetScale the same for target images, or null
 */
public record TrainConfig(int iters, long seed, int batchSize, int cropWidth, int cropHeight, int[] sourceScale,
                          int[] targetScale, double catMaxRatio, double flipProbability, double lr,
                          double headLrMultiplier, double weightDecay, int warmupIters, double warmupRatio,
                          double polyPower, int logInterval, int checkpointInterval, int keepCheckpoints,
                          boolean concurrentPasses) {

    static TrainConfig from(Settings s) {
        return new TrainConfig(
                s.integer("train.iters", 1, Integer.MAX_VALUE),
                s.longValue("train.seed", 0),
                s.integer("train.batchSize", 1, 1024),
                s.integer("train.cropWidth", 32, 8192),
                s.integer("train.cropHeight", 32, 8192),
                scale(s, "train.sourceScale"),
                scale(s, "train.targetScale"),
                s.number("train.catMaxRatio", 0, 1),
                s.number("train.flipProbability", 0, 1),
                s.number("train.lr", 1e-12, 1),
                s.number("train.headLrMultiplier", 0, 1000),
                s.number("train.weightDecay", 0, 1),
                s.integer("train.warmupIters", 0, Integer.MAX_VALUE),
                s.number("train.warmupRatio", 0, 1),
                s.number("train.polyPower", 0, 100),
                s.integer("train.logInterval", 1, Integer.MAX_VALUE),
                s.integer("train.checkpointInterval", 1, Integer.MAX_VALUE),
                s.integer("train.keepCheckpoints", 0, 1000),
                s.flag("train.concurrentPasses"));
    }

    static int[] scale(Settings s, String key) {
        List<Integer> edges = s.integers(key);
        if (edges.isEmpty()) {
            return null;
        }
        if (edges.size() != 2 || edges.get(0) <= 0 || edges.get(1) <= 0) {
            throw s.error(key, "must be [] or [longEdge, shortEdge] of positive integers, got " + edges);
        }
        return new int[] {edges.get(0), edges.get(1)};
    }
}
