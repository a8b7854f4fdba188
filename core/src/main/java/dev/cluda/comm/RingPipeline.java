package dev.cluda.comm;

import dev.cluda.comm.RingPlan.Piece;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * Runs a {@link RingPlan} over the two ring connections of one rank, on the calling thread, with
 * non-blocking channels and one selector: in every round it encodes every send piece that is
 * ready into a free send slot, writes as much as the right connection takes, and reads from the
 * left connection, applying each received piece as soon as it is complete. The kernel moves the
 * written bytes while this thread reduces the next piece, so sending and reducing overlap without
 * a second thread and without locks; the thread sleeps in the selector only when neither side can
 * move. Reading never waits for writing (received pieces are applied to the caller's buffer and
 * re-encoded from there when their turn to be sent comes), so the ring cannot deadlock, and the
 * memory held is the slots: {@code SEND_SLOTS + 1} pieces.
 *
 * <p>Deadline: the operation fails when the left connection delivers nothing for the timeout
 * while data is expected, or the right connection takes nothing for the timeout while data is
 * waiting to be sent.
 */
final class RingPipeline implements Closeable {

    static final int SEND_SLOTS = 3;

    private final SocketChannel left;
    private final SocketChannel right;
    private final Peer leftPeer;
    private final Peer rightPeer;
    private final Selector selector;
    private final SelectionKey leftKey;
    private final SelectionKey rightKey;
    private final long timeoutNanos;
    private final Ticker ticker;
    private final ByteBuffer receiveBuffer;
    private final ByteBuffer headerIn = ordered(ByteBuffer.allocate(OpHeader.BYTES));
    private final ByteBuffer headerOut = ordered(ByteBuffer.allocate(OpHeader.BYTES));
    private final ArrayDeque<ByteBuffer> freeSlots = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();

    private record Outgoing(ByteBuffer bytes, int step, boolean slot) {
    }

    RingPipeline(RingHandshake.Links links, Peer leftPeer, Peer rightPeer, int pieceBytes,
            long timeoutNanos, Ticker ticker) throws IOException {
        this.left = links.left();
        this.right = links.right();
        this.leftPeer = leftPeer;
        this.rightPeer = rightPeer;
        this.timeoutNanos = timeoutNanos;
        this.ticker = ticker;
        this.selector = Selector.open();
        this.leftKey = left.register(selector, 0);
        this.rightKey = right.register(selector, 0);
        this.receiveBuffer = ordered(ByteBuffer.allocateDirect(pieceBytes));
        for (int i = 0; i < SEND_SLOTS; i++) {
            freeSlots.add(ordered(ByteBuffer.allocateDirect(pieceBytes)));
        }
    }

    /**
     * Runs one operation. On failure the caller must close this pipeline: the streams are then
     * out of step.
     *
     * @throws CollectiveException naming the peer, its address and the step that failed
     */
    void run(OpHeader header, RingPlan plan, WireCodec codec) {
        String what = header.describe();
        int bytesPerElement = codec.bytesPerElement();
        headerOut.clear();
        header.writeTo(headerOut);
        headerOut.flip();
        queue.add(new Outgoing(headerOut, 1, false));
        headerIn.clear();
        ByteBuffer target = headerIn;
        boolean headerChecked = false;
        int sent = 0;
        int received = 0;
        int sendCount = plan.sendCount();
        int receiveCount = plan.receives().size();
        long lastRead = ticker.nanoTime();
        long lastWrite = lastRead;
        while (true) {
            while (sent < sendCount && !freeSlots.isEmpty() && plan.sendable(sent, received)) {
                Piece piece = plan.send(sent);
                ByteBuffer slot = freeSlots.poll();
                slot.clear();
                codec.encode(piece.offset(), piece.length(), slot);
                slot.flip();
                queue.add(new Outgoing(slot, plan.sendStep(sent), true));
                sent++;
            }
            boolean wrote = false;
            while (!queue.isEmpty()) {
                Outgoing out = queue.peek();
                try {
                    wrote |= right.write(out.bytes()) > 0;
                } catch (IOException e) {
                    throw failure(what, out.step(), plan.steps(), rightPeer,
                            "connection failed while sending: " + describe(e), e);
                }
                if (out.bytes().hasRemaining()) {
                    break;
                }
                queue.poll();
                if (out.slot()) {
                    freeSlots.add(out.bytes());
                }
            }
            boolean read = false;
            if (target != null) {
                int step = headerChecked ? plan.receives().get(received).step() : 1;
                int n;
                try {
                    n = left.read(target);
                } catch (IOException e) {
                    throw failure(what, step, plan.steps(), leftPeer,
                            "connection failed while receiving: " + describe(e), e);
                }
                if (n < 0) {
                    throw failure(what, step, plan.steps(), leftPeer, "closed the connection", null);
                }
                read = n > 0;
                if (!target.hasRemaining()) {
                    target.flip();
                    if (headerChecked) {
                        Piece piece = plan.receives().get(received);
                        codec.decode(target, piece.offset(), piece.length(), piece.action());
                        received++;
                    } else {
                        checkHeader(header, OpHeader.readFrom(target));
                        headerChecked = true;
                    }
                    if (received < receiveCount) {
                        target = receiveBuffer;
                        target.clear();
                        target.limit(plan.receives().get(received).length() * bytesPerElement);
                    } else {
                        target = null;
                    }
                }
            }
            if (target == null && sent == sendCount && queue.isEmpty()) {
                return;
            }
            long now = ticker.nanoTime();
            lastRead = read ? now : lastRead;
            lastWrite = wrote ? now : lastWrite;
            if (!read && !wrote) {
                int readStep = target == null ? 0
                        : headerChecked ? plan.receives().get(received).step() : 1;
                int writeStep = queue.isEmpty() ? 0 : queue.peek().step();
                awaitProgress(what, plan.steps(), readStep, lastRead, writeStep, lastWrite, now);
            }
        }
    }

    /** Sleeps until a connection is ready; a step of 0 means nothing to wait for on that side. */
    private void awaitProgress(String what, int steps, int readStep, long lastRead, int writeStep,
            long lastWrite, long now) {
        long readDeadline = readStep > 0 ? lastRead + timeoutNanos : Long.MAX_VALUE;
        long writeDeadline = writeStep > 0 ? lastWrite + timeoutNanos : Long.MAX_VALUE;
        if (readStep == 0 && writeStep == 0) {
            throw new IllegalStateException(what + ": nothing to send or receive but not done");
        }
        if (now - readDeadline >= 0 && readStep > 0) {
            throw failure(what, readStep, steps, leftPeer, "sent no data for "
                    + ChannelIo.seconds(now - lastRead) + " (it may itself be waiting for its"
                    + " left neighbour, or not have started this operation)", null);
        }
        if (now - writeDeadline >= 0 && writeStep > 0) {
            throw failure(what, writeStep, steps, rightPeer, "accepted no data for "
                    + ChannelIo.seconds(now - lastWrite), null);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new CollectiveException(what + ": interrupted while waiting for "
                    + (readStep > 0 ? leftPeer : rightPeer), -1, null);
        }
        long waitNanos = Math.min(readDeadline, writeDeadline) - now;
        try {
            leftKey.interestOps(readStep > 0 ? SelectionKey.OP_READ : 0);
            rightKey.interestOps(writeStep > 0 ? SelectionKey.OP_WRITE : 0);
            selector.select(Math.max(1, (waitNanos + 999_999) / 1_000_000));
            selector.selectedKeys().clear();
        } catch (IOException | ClosedSelectorException | CancelledKeyException e) {
            throw new CollectiveException(what + ": waiting failed (was the collective closed"
                    + " during the call?): " + e, -1, e);
        }
    }

    private void checkHeader(OpHeader mine, OpHeader theirs) {
        if (!mine.equals(theirs)) {
            throw new CollectiveException(mine.describe() + ": " + leftPeer + " made a different"
                    + " call: " + theirs.describe() + "; every rank must make the same collective"
                    + " calls, with the same lengths and roots, in the same order",
                    leftPeer.rank(), null);
        }
    }

    private static CollectiveException failure(String what, int step, int steps, Peer peer,
            String problem, Throwable cause) {
        return new CollectiveException(what + " step " + step + "/" + steps + ": " + peer + " "
                + problem, peer.rank(), cause);
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static ByteBuffer ordered(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        RingHandshake.closeQuietly(selector);
        RingHandshake.closeQuietly(left);
        RingHandshake.closeQuietly(right);
    }
}
