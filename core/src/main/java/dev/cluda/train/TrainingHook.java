package dev.cluda.train;

import java.io.IOException;

/**
 * Periodic work around the training loop (in the manner of DJL's {@code TrainingListener} and
 * mmcv's hooks): each hook owns one interval and one output. On a data-parallel run every rank
 * runs the same hooks in the same order, so hooks that talk to the other ranks stay in step;
 * only rank 0's hooks write files.
 */
interface TrainingHook {

    /** Before iteration {@code t} runs. */
    default void beforeIteration(long t) {
    }

    /** After an iteration ran, its optimizer step applied. */
    default void afterIteration(Iteration it) throws IOException {
    }
}
