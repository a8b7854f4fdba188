package dev.cluda.train;

import dev.cluda.uda.StepResult;

/**
 * One finished iteration, as the hooks see it.
 *
 * @param index the iteration (0-based); {@code index + 1} iterations are done
 * @param total the run's {@code train.iters}
 * @param result its losses and pseudo-label statistics
 * @param seconds its wall time
 */
record Iteration(long index, long total, StepResult result, double seconds) {

    /** Iterations done, the number checkpoints and evaluations are labelled with. */
    long done() {
        return index + 1;
    }

    boolean last() {
        return index + 1 == total;
    }

    /** Whether a task of period {@code interval} runs after this iteration: every interval, and after the last. */
    boolean due(long interval) {
        return (index + 1) % interval == 0 || last();
    }
}
