package dev.cluda.comm;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/** Whole-buffer reads and writes on a non-blocking channel, each with a deadline. */
final class ChannelIo {

    /** A read or write made no progress before its deadline. */
    static final class StallException extends IOException {
        private static final long serialVersionUID = 1L;

        StallException(String message) {
            super(message);
        }
    }

    private ChannelIo() {
    }

    /**
     * Reads until {@code buffer} is full.
     *
     * @throws EOFException when the peer closes the connection first
     * @throws StallException when {@code deadlineNanos} (on {@code ticker}) passes
     */
    static void readFully(SocketChannel channel, ByteBuffer buffer, Ticker ticker,
            long deadlineNanos) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new EOFException("connection closed by the peer");
                }
                if (n == 0) {
                    await(selector, ticker, deadlineNanos);
                }
            }
        }
    }

    /**
     * Writes all of {@code buffer}.
     *
     * @throws StallException when {@code deadlineNanos} (on {@code ticker}) passes
     */
    static void writeFully(SocketChannel channel, ByteBuffer buffer, Ticker ticker,
            long deadlineNanos) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_WRITE);
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    await(selector, ticker, deadlineNanos);
                }
            }
        }
    }

    /** Waits for a selected key or throws {@link StallException} once the deadline has passed. */
    static void await(Selector selector, Ticker ticker, long deadlineNanos) throws IOException {
        long left = deadlineNanos - ticker.nanoTime();
        if (left <= 0) {
            throw new StallException("deadline passed");
        }
        selector.select(Math.max(1, (left + 999_999) / 1_000_000));
        selector.selectedKeys().clear();
    }

    /** Seconds as {@code 2.0 s} for messages. */
    static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
