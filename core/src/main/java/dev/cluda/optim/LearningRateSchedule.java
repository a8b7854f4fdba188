package dev.cluda.optim;

/**
 * The mmcv {@code poly} learning-rate policy with linear warm-up (reference §7, DAF
 * {@code poly10warm.py}, mmcv {@code lr_updater.py}):
 *
 * <pre>
 * lr_t   = ((base − minLr) · (1 − t/T)^power + minLr) · warm_t
 * warm_t = 1 − (1 − t/W)(1 − warmupRatio)   for t &lt; W, else 1
 * </pre>
 *
 * with t the 0-based iteration, T = {@code totalIterations}, W = {@code warmupIterations}.
 * The lr of a parameter group is this value times the group's multiplier
 * ({@link ParameterGroups}).
 *
 * @param baseLr the base learning rate (6e-5 in the reference)
 * @param totalIterations T, the length of the run (40 000)
 * @param power the poly power (1.0; 1.1 for the Swin-L variant of the CLUDA README)
 * @param minLr the floor of the poly decay (0)
 * @param warmupIterations W, the linear warm-up length (1500); 0 turns warm-up off
 * @param warmupRatio the warm-up factor at t = 0 (1e-6)
 */
public record LearningRateSchedule(double baseLr, int totalIterations, double power, double minLr,
                                   int warmupIterations, double warmupRatio) {

    public LearningRateSchedule {
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("baseLr must be a positive finite number, got " + baseLr);
        }
        if (totalIterations <= 0) {
            throw new IllegalArgumentException("totalIterations must be positive, got " + totalIterations);
        }
        if (!(power > 0)) {
            throw new IllegalArgumentException("power must be positive, got " + power);
        }
        if (!(minLr >= 0) || minLr > baseLr) {
            throw new IllegalArgumentException("minLr must be in [0, baseLr = " + baseLr + "], got " + minLr);
        }
        // A warm-up longer than the run is allowed, as in mmcv (short smoke runs keep the schedule).
        if (warmupIterations < 0) {
            throw new IllegalArgumentException("warmupIterations must be >= 0, got " + warmupIterations);
        }
        if (!(warmupRatio > 0) || warmupRatio > 1) {
            throw new IllegalArgumentException("warmupRatio must be in (0, 1], got " + warmupRatio);
        }
    }

    /** The reference schedule: base 6e-5, T = 40 000, power 1, min 0, W = 1500, ratio 1e-6 (§7). */
    public static LearningRateSchedule daformer() {
        return new LearningRateSchedule(6e-5, 40_000, 1.0, 0.0, 1500, 1e-6);
    }

    /**
     * The learning rate of iteration {@code t} (0-based; {@code t = T} gives minLr).
     *
     * @throws IllegalArgumentException if t is outside [0, T]
     */
    public double at(long t) {
        return ((baseLr - minLr) * polyFactor(t) + minLr) * warmupFactor(t);
    }

    /** (1 − t/T)^power. */
    public double polyFactor(long t) {
        checkIteration(t);
        return Math.pow(1.0 - (double) t / totalIterations, power);
    }

    /** 1 − (1 − t/W)(1 − warmupRatio) for t &lt; W, else 1. */
    public double warmupFactor(long t) {
        checkIteration(t);
        if (t >= warmupIterations) {
            return 1.0;
        }
        return 1.0 - (1.0 - (double) t / warmupIterations) * (1.0 - warmupRatio);
    }

    private void checkIteration(long t) {
        if (t < 0 || t > totalIterations) {
            throw new IllegalArgumentException("iteration must be in [0, " + totalIterations + "], got " + t);
        }
    }
}
