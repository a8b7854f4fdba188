package dev.cluda.train;

import dev.cluda.config.DebugConfig;

/** {@code debug.failAtIteration}: the configured rank fails on the first attempt, to test recovery. */
final class FaultInjectionHook implements TrainingHook {

    private final DebugConfig debug;
    private final int rank;
    private final int attempt;

    FaultInjectionHook(DebugConfig debug, int rank, int attempt) {
        this.debug = debug;
        this.rank = rank;
        this.attempt = attempt;
    }

    @Override
    public void beforeIteration(long t) {
        if (debug.failsAt(t, rank, attempt)) {
            throw new IllegalStateException("debug.failAtIteration: rank " + rank + " fails at iteration " + t
                    + " of attempt " + attempt + " (injected fault)");
        }
    }
}
