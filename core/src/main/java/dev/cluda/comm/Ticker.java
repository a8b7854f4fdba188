package dev.cluda.comm;

/**
 * The monotonic time that every ring deadline is measured on. Production uses
 * {@link System#nanoTime()}; tests substitute a clock they move by hand, so a timeout passes
 * when the test says so rather than when a loaded machine happens to be slow.
 */
@FunctionalInterface
interface Ticker {

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();
}
