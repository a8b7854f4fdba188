package dev.cluda.uda;

import ai.djl.pytorch.jni.JniUtils;
import dev.cluda.ndarray.GradMode;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs two parts of a step at once, one on the calling thread and one on a worker thread, each
 * with one intra-op thread (the source and the self-training passes, the two halves of the optimizer): on a CPU the step's many small operators leave a second intra-op thread
 * mostly idle (docs/BENCHMARKS.md: two intra-op threads make the step about 10 % faster than one),
 * while two independent passes keep both cores busy. The worker is a daemon thread that ends when
 * idle, so an instance needs no closing.
 */
public final class ConcurrentPasses {

    private final ThreadPoolExecutor worker;

    /** A worker thread that starts on the first {@link #run} and ends after 30 s without work. */
    public ConcurrentPasses() {
        worker = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "cluda-step-pass");
            t.setDaemon(true);
            return t;
        });
        worker.allowCoreThreadTimeOut(true);
    }

    /** Whether running passes side by side can help here: a CPU step with two or more intra-op threads. */
    public static boolean worthwhile(boolean onCpu) {
        return onCpu && JniUtils.getNumThreads() >= 2;
    }

    /**
     * Runs {@code there} on the worker and {@code here} on this thread, and returns {@code there}'s
     * result once both ended. {@code here} must not wait for {@code there}. A failure of
     * {@code here} is thrown after {@code there} ended (it must not block for ever: signal it);
     * otherwise a failure of {@code there} is thrown as it was.
     */
    public <T> T run(Callable<T> there, Runnable here) {
        int threads = JniUtils.getNumThreads();
        Future<T> other = worker.submit(() -> {
            GradMode.disableOnThisThread(); // a new thread records graphs by default
            JniUtils.setNumThreads(1);
            return there.call();
        });
        JniUtils.setNumThreads(1);
        try {
            try {
                here.run();
            } catch (RuntimeException | Error e) {
                awaitQuietly(other);
                throw e;
            }
            return other.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a concurrent pass failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the concurrent pass", e);
        } finally {
            // only now: the BLAS thread count is process-wide, and the worker's GEMMs must keep one thread
            JniUtils.setNumThreads(threads);
        }
    }

    private static void awaitQuietly(Future<?> other) {
        try {
            other.get();
        } catch (ExecutionException ignored) {
            // this thread's failure is the one reported
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
