package dev.cluda.comm;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Test clock: stands still until the test moves it, so no ring deadline passes by itself. */
final class ManualTicker implements Ticker {

    /** Real time the waiting ranks get to notice a move; they re-check at least once a timeout. */
    private static final long NOTICE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final int MAX_MOVES = 4;

    // any origin will do: nanoTime's is arbitrary too
    private final AtomicLong now = new AtomicLong(1L << 40);
    private final AtomicLong reads = new AtomicLong();

    @Override
    public long nanoTime() {
        reads.incrementAndGet();
        return now.get();
    }

    /** How often the clock has been read so far. */
    long reads() {
        return reads.get();
    }

    /**
     * Waits until the clock has been read {@code count} times in all: moving it before a rank
     * has taken its starting time would only shift that rank's deadline along.
     */
    void awaitReads(long count) throws InterruptedException {
        long until = System.nanoTime() + NOTICE_NANOS;
        while (reads.get() < count) {
            if (System.nanoTime() - until > 0) {
                throw new AssertionError("the clock was read " + reads.get() + " times, not "
                        + count + ": the rank never started waiting");
            }
            Thread.sleep(1);
        }
    }

    void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    /**
     * Waits for {@code done}, moving the clock by {@code step} whenever the ranks had a few
     * seconds of real time without getting there: a rank that read the clock only after a move
     * has its deadline pass on the next one, so the outcome does not depend on where the threads
     * were when the clock moved.
     */
    void awaitAdvancing(Duration step, BooleanSupplier done) throws InterruptedException {
        for (int moves = 0; !done.getAsBoolean() && moves <= MAX_MOVES; moves++) {
            long until = System.nanoTime() + NOTICE_NANOS;
            while (!done.getAsBoolean() && System.nanoTime() - until < 0) {
                Thread.sleep(10);
            }
            if (!done.getAsBoolean() && moves < MAX_MOVES) {
                advance(step);
            }
        }
    }
}
