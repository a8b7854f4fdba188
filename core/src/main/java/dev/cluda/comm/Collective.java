package dev.cluda.comm;

/**
 * Collective operations among the {@link #size()} ranks of a data-parallel job (design:
 * ARCHITECTURE.md "Distributed training design"). Every rank must make the same calls, with the
 * same buffer lengths and roots, in the same order; implementations check this and fail with a
 * {@link CollectiveException} when the ranks disagree.
 *
 * <p>Threads: an instance may be used from any thread, but by one thread at a time; a call made
 * while another call on the same instance is still running throws {@link IllegalStateException}.
 * The buffers passed in belong to the collective only for the duration of the call.
 *
 * <p>Failures: a peer that dies, stalls past the timeout or disagrees on the call raises a
 * {@link CollectiveException}; the collective is then broken (every later call fails the same way)
 * and the job must start over, e.g. by Spark retrying the barrier stage.
 */
public interface Collective extends AutoCloseable {

    /** This rank, in {@code [0, size())}. */
    int rank();

    /** Number of ranks. */
    int size();

    /**
     * Replaces every element of {@code buffer} by its sum over all ranks, in place. Every rank ends
     * with bit-identical values. Summation is fp32 (wire compression, where configured, rounds
     * only the values sent).
     */
    void allReduceSum(float[] buffer);

    /**
     * Replaces every element of {@code buffer} by its mean over all ranks, in place: the
     * {@link #allReduceSum(float[])} result divided once by {@link #size()}.
     */
    void allReduceMean(float[] buffer);

    /** Replaces every element by its exact sum over all ranks (e.g. confusion-matrix counts). */
    void allReduceSum(long[] buffer);

    /** Copies {@code buffer} of rank {@code root} into {@code buffer} of every other rank, exactly. */
    void broadcast(float[] buffer, int root);

    /** Copies {@code buffer} of rank {@code root} into {@code buffer} of every other rank. */
    void broadcast(byte[] buffer, int root);

    /**
     * Gathers one small value from every rank (e.g. a weight checksum).
     *
     * @return a new array of length {@link #size()} whose element {@code i} is rank i's value
     */
    long[] allGatherLong(long value);

    /** Returns only once every rank has entered the barrier. */
    void barrier();

    /** Releases the sockets; idempotent. Must not be called while another thread is in a call. */
    @Override
    void close();
}
