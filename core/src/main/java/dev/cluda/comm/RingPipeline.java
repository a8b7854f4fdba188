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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link RingPlan} over the two ring connections of one rank, full duplex: the calling
 * thread receives from the left connection and applies each piece to the caller's buffer as soon
 * as it is complete, while a sending thread this pipeline owns encodes each send piece once the
 * plan allows it ({@link RingPlan#sendable}) and writes it to the right connection. So a rank
 * reads, reduces and writes at the same time, as the two directions of a link allow, instead of
 * taking turns on one thread. The sender waits only for the receiver's count of applied pieces;
 * the receiver never waits for the sender, so the ring cannot deadlock. Memory: one piece buffer
 * on each side.
 *
 * <p>A piece is encoded (copied out of the caller's buffer) only after every piece it depends on
 * was applied, and no later received piece writes elements that an earlier send still has to
 * read: in the ring those elements come back only after the send has travelled round, so the two
 * threads never touch the same elements at once.
 *
 * <p>Deadline: the operation fails when the left connection delivers nothing for the timeout
 * while data is expected, or the right connection takes nothing for the timeout while data is
 * waiting to be sent. Either side's failure stops the other.
 */
final class RingPipeline implements Closeable {

    private final SocketChannel left;
    private final SocketChannel right;
    private final Peer leftPeer;
    private final Peer rightPeer;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final long timeoutNanos;
    private final Ticker ticker;
    private final ByteBuffer receiveBuffer;
    private final ByteBuffer sendBuffer;
    private final ByteBuffer headerIn = ordered(ByteBuffer.allocate(OpHeader.BYTES));
    private final ByteBuffer headerOut = ordered(ByteBuffer.allocate(OpHeader.BYTES));
    private final ExecutorService sender;
    /** Pieces applied so far in the running operation; the sender's only input from the receiver. */
    private final AtomicInteger applied = new AtomicInteger();
    private volatile Thread senderThread;
    private volatile RuntimeException stopped;

    RingPipeline(RingHandshake.Links links, Peer leftPeer, Peer rightPeer, int pieceBytes,
            long timeoutNanos, Ticker ticker) throws IOException {
        this.left = links.left();
        this.right = links.right();
        this.leftPeer = leftPeer;
        this.rightPeer = rightPeer;
        this.timeoutNanos = timeoutNanos;
        this.ticker = ticker;
        this.readSelector = Selector.open();
        this.writeSelector = Selector.open();
        left.register(readSelector, SelectionKey.OP_READ);
        right.register(writeSelector, SelectionKey.OP_WRITE);
        this.receiveBuffer = ordered(ByteBuffer.allocateDirect(pieceBytes));
        this.sendBuffer = ordered(ByteBuffer.allocateDirect(pieceBytes));
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ring-send-to-rank-" + rightPeer.rank());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs one operation. On failure the caller must close this pipeline: the streams are then
     * out of step.
     *
     * @throws CollectiveException naming the peer, its address and the step that failed
     */
    void run(OpHeader header, RingPlan plan, WireCodec codec) {
        String what = header.describe();
        applied.set(0);
        stopped = null;
        Future<?> sending = sender.submit(() -> {
            senderThread = Thread.currentThread();
            try {
                send(what, header, plan, codec);
            } catch (RuntimeException e) {
                stop(e);
                throw e;
            }
        });
        try {
            receive(what, header, plan, codec);
        } catch (RuntimeException e) {
            stop(e);
            awaitQuietly(sending);
            throw e;
        }
        try {
            sending.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new CollectiveException(what + ": sending failed: " + e.getCause(), -1, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(new CollectiveException(what + ": interrupted", -1, e));
            throw stopped;
        }
    }

    /** Tells the other side to give up; the first reason wins. */
    private void stop(RuntimeException reason) {
        if (stopped == null) {
            stopped = reason;
        }
        Thread s = senderThread;
        if (s != null) {
            LockSupport.unpark(s);
        }
        readSelector.wakeup();
        writeSelector.wakeup();
    }

    private static void awaitQuietly(Future<?> sending) {
        try {
            sending.get();
        } catch (ExecutionException ignored) {
            // the receiver's failure is the one reported
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(String what, OpHeader header, RingPlan plan, WireCodec codec) {
        headerOut.clear();
        header.writeTo(headerOut);
        headerOut.flip();
        write(what, headerOut, 1, plan.steps());
        for (int k = 0; k < plan.sendCount(); k++) {
            while (!plan.sendable(k, applied.get())) {
                checkStopped();
                LockSupport.park(this);
            }
            checkStopped();
            Piece piece = plan.send(k);
            sendBuffer.clear();
            codec.encode(piece.offset(), piece.length(), sendBuffer);
            sendBuffer.flip();
            write(what, sendBuffer, plan.sendStep(k), plan.steps());
        }
    }

    private void checkStopped() {
        RuntimeException reason = stopped;
        if (reason != null) {
            throw reason;
        }
    }

    /** Writes all of {@code bytes}, waiting for the right connection to take them. */
    private void write(String what, ByteBuffer bytes, int step, int steps) {
        long lastWrite = ticker.nanoTime();
        while (bytes.hasRemaining()) {
            int n;
            try {
                n = right.write(bytes);
            } catch (IOException e) {
                checkStopped();
                throw failure(what, step, steps, rightPeer, "connection failed while sending: " + describe(e), e);
            }
            long now = ticker.nanoTime();
            if (n > 0) {
                lastWrite = now;
                continue;
            }
            checkStopped();
            if (now - lastWrite >= timeoutNanos) {
                throw failure(what, step, steps, rightPeer, "accepted no data for "
                        + ChannelIo.seconds(now - lastWrite), null);
            }
            await(writeSelector, what, lastWrite + timeoutNanos - now, rightPeer);
        }
    }

    private void receive(String what, OpHeader header, RingPlan plan, WireCodec codec) {
        int bytesPerElement = codec.bytesPerElement();
        headerIn.clear();
        read(what, headerIn, 1, plan.steps());
        headerIn.flip();
        checkHeader(header, OpHeader.readFrom(headerIn));
        Thread s = senderThread;
        for (int r = 0; r < plan.receives().size(); r++) {
            Piece piece = plan.receives().get(r);
            receiveBuffer.clear();
            receiveBuffer.limit(piece.length() * bytesPerElement);
            read(what, receiveBuffer, piece.step(), plan.steps());
            receiveBuffer.flip();
            codec.decode(receiveBuffer, piece.offset(), piece.length(), piece.action());
            applied.incrementAndGet();
            s = s != null ? s : senderThread;
            if (s != null) {
                LockSupport.unpark(s);
            }
        }
    }

    /** Fills {@code target}, waiting for the left connection to deliver. */
    private void read(String what, ByteBuffer target, int step, int steps) {
        long lastRead = ticker.nanoTime();
        while (target.hasRemaining()) {
            int n;
            try {
                n = left.read(target);
            } catch (IOException e) {
                checkStopped();
                throw failure(what, step, steps, leftPeer, "connection failed while receiving: " + describe(e), e);
            }
            if (n < 0) {
                throw failure(what, step, steps, leftPeer, "closed the connection", null);
            }
            long now = ticker.nanoTime();
            if (n > 0) {
                lastRead = now;
                continue;
            }
            checkStopped();
            if (now - lastRead >= timeoutNanos) {
                throw failure(what, step, steps, leftPeer, "sent no data for "
                        + ChannelIo.seconds(now - lastRead) + " (it may itself be waiting for its"
                        + " left neighbour, or not have started this operation)", null);
            }
            await(readSelector, what, lastRead + timeoutNanos - now, leftPeer);
        }
    }

    /** Sleeps until the selector's channel is ready, the deadline passes or the other side stops. */
    private void await(Selector selector, String what, long waitNanos, Peer peer) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CollectiveException(what + ": interrupted while waiting for " + peer, -1, null);
        }
        try {
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
        stop(new CollectiveException("collective closed", -1, null));
        sender.shutdownNow();
        RingHandshake.closeQuietly(readSelector);
        RingHandshake.closeQuietly(writeSelector);
        RingHandshake.closeQuietly(left);
        RingHandshake.closeQuietly(right);
    }
}
