package dev.cluda.comm;

import java.util.Objects;

/** The collective of a job with one rank: every operation leaves the buffers as they are. */
public final class SingleRankCollective implements Collective {

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public void allReduceSum(float[] buffer) {
        Objects.requireNonNull(buffer, "buffer");
    }

    @Override
    public void allReduceMean(float[] buffer) {
        Objects.requireNonNull(buffer, "buffer");
    }

    @Override
    public void allReduceSum(long[] buffer) {
        Objects.requireNonNull(buffer, "buffer");
    }

    @Override
    public void broadcast(float[] buffer, int root) {
        Objects.requireNonNull(buffer, "buffer");
        checkRoot(root);
    }

    @Override
    public void broadcast(byte[] buffer, int root) {
        Objects.requireNonNull(buffer, "buffer");
        checkRoot(root);
    }

    @Override
    public long[] allGatherLong(long value) {
        return new long[] {value};
    }

    @Override
    public void barrier() {
        // one rank: nobody to wait for
    }

    @Override
    public void close() {
        // nothing held
    }

    private static void checkRoot(int root) {
        if (root != 0) {
            throw new IllegalArgumentException("root " + root + " is not a rank: a single-rank"
                    + " collective has only rank 0");
        }
    }
}
