package dev.cluda.comm;

/**
 * A collective operation failed: a peer died, stalled past the timeout, or made a different call.
 * The message names the peer rank, its address and what was going on. Unchecked so that it fails
 * the Spark task, which then retries the barrier stage.
 */
final class CollectiveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int peerRank;

    /**
     * @param peerRank the rank whose connection failed, or -1 when no single peer is to blame
     */
    public CollectiveException(String message, int peerRank, Throwable cause) {
        super(message, cause);
        this.peerRank = peerRank;
    }

    /** The rank whose connection failed, or -1 when no single peer is to blame. */
    public int peerRank() {
        return peerRank;
    }
}
