package dev.cluda.train;

/**
 * An explicit collection every few dozen iterations: the direct buffers behind arrays created
 * from Java are freed only by the garbage collector, so without it the resident set creeps.
 */
final class GarbageCollectionHook implements TrainingHook {

    private final int interval;

    GarbageCollectionHook(int interval) {
        this.interval = interval;
    }

    @Override
    public void afterIteration(Iteration it) {
        if (it.done() % interval == 0) {
            System.gc();
        }
    }
}
