package dev.cluda.comm;

import dev.cluda.comm.WireCodec.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * What one rank sends and receives in one ring operation, as pieces of at most
 * {@code pieceElements} elements. The rank first sends {@link #initial()} and then forwards the
 * first {@link #forwarded()} received pieces, each once it has been applied: so send piece k ≥
 * {@code initial().size()} is receive piece {@code k - initial().size()}. This one rule covers
 * the ring all-reduce, all-gather and pipelined broadcast, and lets sending the next piece overlap
 * receiving and reducing the following ones.
 *
 * @param initial pieces sent without waiting for anything
 * @param receives pieces received from the left neighbour, in order, with what each does locally
 * @param forwarded how many leading receive pieces are sent on to the right neighbour
 * @param steps number of ring steps of the operation (for error messages)
 */
record RingPlan(List<Piece> initial, List<Piece> receives, int forwarded, int steps) {

    /** Elements {@code [offset, offset + length)} of the caller's buffer, in ring step {@code step}. */
    record Piece(int offset, int length, Action action, int step) {
    }

    /** Number of pieces this rank sends. */
    int sendCount() {
        return initial.size() + forwarded;
    }

    /** Send piece {@code k}. */
    Piece send(int k) {
        return k < initial.size() ? initial.get(k) : receives.get(k - initial.size());
    }

    /** Whether send piece {@code k} can go once {@code received} pieces have been applied. */
    boolean sendable(int k, int received) {
        return k < initial.size() || k - initial.size() < received;
    }

    /** The ring step in which send piece {@code k} travels. */
    int sendStep(int k) {
        return k < initial.size() ? initial.get(k).step() : receives.get(k - initial.size()).step() + 1;
    }

    /**
     * Bandwidth-optimal all-reduce: the buffer is cut into {@code size} chunks (chunk i is
     * {@code [i·L/size, (i+1)·L/size)}); reduce-scatter in steps 1..size−1 (at step s this rank
     * receives chunk {@code rank − s} and adds its own values; after the last step it holds the
     * complete sum of chunk {@code rank + 1}), then all-gather in steps size..2·size−2 (each rank
     * receives a complete chunk and copies it). Each chunk's sum is formed in ring order starting
     * at the rank that owns it and computed by one rank only, so all ranks end bit-identical.
     */
    static RingPlan allReduce(int rank, int size, int length, int pieceElements) {
        List<Piece> initial = new ArrayList<>();
        List<Piece> receives = new ArrayList<>();
        addChunk(initial, length, size, rank, pieceElements, Action.ADD, 1);
        for (int s = 1; s < size; s++) {
            Action action = s == size - 1 ? Action.ADD_FINAL : Action.ADD;
            addChunk(receives, length, size, Math.floorMod(rank - s, size), pieceElements, action, s);
        }
        int forwarded = receives.size();
        for (int s = 1; s < size; s++) {
            forwarded = receives.size();
            addChunk(receives, length, size, Math.floorMod(rank + 1 - s, size), pieceElements,
                    Action.COPY, size - 1 + s);
        }
        return new RingPlan(initial, receives, forwarded, 2 * (size - 1));
    }

    /** All-gather of {@code size} equal chunks, chunk i owned by rank i, in size−1 steps. */
    static RingPlan allGather(int rank, int size, int elementsPerRank) {
        int length = elementsPerRank * size;
        List<Piece> initial = new ArrayList<>();
        List<Piece> receives = new ArrayList<>();
        addChunk(initial, length, size, rank, elementsPerRank, Action.COPY, 1);
        int forwarded = 0;
        for (int s = 1; s < size; s++) {
            forwarded = receives.size();
            addChunk(receives, length, size, Math.floorMod(rank - s, size), elementsPerRank,
                    Action.COPY, s);
        }
        return new RingPlan(initial, receives, forwarded, size - 1);
    }

    /**
     * Pipelined ring broadcast: the root sends the whole buffer piece by piece; every other rank
     * copies each piece and forwards it, except the root's left neighbour, the last hop.
     */
    static RingPlan broadcast(int rank, int size, int root, int length, int pieceElements) {
        List<Piece> pieces = new ArrayList<>();
        int hop = Math.floorMod(rank - root, size);
        addRange(pieces, 0, length, pieceElements, Action.COPY, Math.max(hop, 1));
        if (hop == 0) {
            return new RingPlan(pieces, List.of(), 0, size - 1);
        }
        int forwarded = hop == size - 1 ? 0 : pieces.size();
        return new RingPlan(List.of(), pieces, forwarded, size - 1);
    }

    private static void addChunk(List<Piece> out, int length, int size, int chunk,
            int pieceElements, Action action, int step) {
        int start = (int) ((long) chunk * length / size);
        int end = (int) ((long) (chunk + 1) * length / size);
        addRange(out, start, end, pieceElements, action, step);
    }

    private static void addRange(List<Piece> out, int start, int end, int pieceElements,
            Action action, int step) {
        for (int offset = start; offset < end; offset += pieceElements) {
            out.add(new Piece(offset, Math.min(pieceElements, end - offset), action, step));
        }
    }
}
