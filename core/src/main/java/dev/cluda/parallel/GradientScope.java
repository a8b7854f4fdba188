package dev.cluda.parallel;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The JVM-wide turn for recording gradients. DJL's PyTorch engine allows one open
 * {@code GradientCollector} per JVM ({@code PtGradientCollector} keeps a static flag and throws
 * "already collecting"), so ranks that share a JVM (Spark {@code local[N]}, tests with ranks as
 * threads) take turns for forward + backward: compute is serialised, results are unchanged.
 * Only the recording runs under the lock; all-reduces and optimizer steps stay outside, so a rank
 * waiting in a collective never holds the turn another rank needs (no deadlock). With one rank per
 * JVM the lock is never contended.
 *
 * <p>This is the one piece of static state here, on purpose: the constraint it guards is itself
 * per JVM.
 */
public final class GradientScope {

    /** Fair, so ranks alternate instead of one rank re-taking the turn. */
    private static final ReentrantLock LOCK = new ReentrantLock(true);

    private GradientScope() {
    }

    /** Runs {@code body} (which may open gradient collectors) while holding the JVM's turn. */
    public static <T> T run(Supplier<T> body) {
        LOCK.lock();
        try {
            return body.get();
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether the calling thread holds the turn (for assertions). */
    public static boolean isHeldByCurrentThread() {
        return LOCK.isHeldByCurrentThread();
    }
}
