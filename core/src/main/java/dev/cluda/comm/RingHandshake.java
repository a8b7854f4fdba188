package dev.cluda.comm;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Opens the two ring connections of one rank: it connects to its right neighbour (rank + 1) and
 * accepts its left neighbour (rank − 1) on its own, already listening, server channel. The
 * connecting side sends a hello (magic, protocol version, sender and receiver rank, number of
 * ranks, compression); the accepting side checks it and replies with its own, marked accepted or
 * rejected. Every write is a few bytes that the socket buffers take, so the ranks cannot wait on
 * each other in a cycle; every step has the one deadline.
 */
final class RingHandshake {

    static final int MAGIC = 0x434c_4441; // "CLDA"
    private static final int HELLO_BYTES = 7 * Integer.BYTES;
    private static final int ACCEPTED = 0;
    private static final int REJECTED = 1;
    private static final long CONNECT_RETRY_MILLIS = 50;

    /** The two connected, non-blocking channels. */
    record Links(SocketChannel left, SocketChannel right) {
    }

    private final int rank;
    private final int size;
    private final Compression compression;
    private final Peer left;
    private final Peer right;
    private final Ticker ticker;

    RingHandshake(int rank, int size, Compression compression, Peer left, Peer right,
            Ticker ticker) {
        this.rank = rank;
        this.size = size;
        this.compression = compression;
        this.left = left;
        this.right = right;
        this.ticker = ticker;
    }

    /** Connects both neighbours; closes {@code server} in any case. */
    Links connect(ServerSocketChannel server, long timeoutNanos) {
        long deadline = ticker.nanoTime() + timeoutNanos;
        SocketChannel rightChannel = null;
        SocketChannel leftChannel = null;
        try (server) {
            rightChannel = connectRight(deadline, timeoutNanos);
            write(rightChannel, hello(rank, right.rank(), ACCEPTED), deadline, right, "sending hello");
            leftChannel = acceptLeft(server, deadline, timeoutNanos);
            checkHelloFromLeft(leftChannel, deadline);
            write(leftChannel, hello(rank, left.rank(), ACCEPTED), deadline, left, "replying to hello");
            checkReplyFromRight(rightChannel, deadline);
            return new Links(leftChannel, rightChannel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(leftChannel);
            closeQuietly(rightChannel);
            if (e instanceof CollectiveException ce) {
                throw ce;
            }
            throw new CollectiveException("rank " + rank + ": ring setup failed: " + e, -1, e);
        }
    }

    private SocketChannel connectRight(long deadline, long timeoutNanos) throws IOException {
        InetSocketAddress unresolved = Peer.parse(right.address());
        while (true) {
            SocketChannel channel = SocketChannel.open();
            try {
                long leftMillis = (deadline - ticker.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    throw new SocketTimeoutException("deadline passed");
                }
                InetSocketAddress target = new InetSocketAddress(unresolved.getHostString(),
                        unresolved.getPort());
                channel.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, leftMillis));
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                return channel;
            } catch (ConnectException e) {
                closeQuietly(channel);
                if (deadline - ticker.nanoTime() <= CONNECT_RETRY_MILLIS * 1_000_000) {
                    throw fail(right, "could not connect within " + ChannelIo.seconds(timeoutNanos)
                            + ": " + e.getMessage(), e);
                }
                sleep(CONNECT_RETRY_MILLIS);
            } catch (SocketTimeoutException e) {
                closeQuietly(channel);
                throw fail(right, "could not connect within " + ChannelIo.seconds(timeoutNanos), e);
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
        }
    }

    private SocketChannel acceptLeft(ServerSocketChannel server, long deadline, long timeoutNanos)
            throws IOException {
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (true) {
                SocketChannel channel = server.accept();
                if (channel != null) {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    return channel;
                }
                try {
                    ChannelIo.await(selector, ticker, deadline);
                } catch (ChannelIo.StallException e) {
                    throw fail(left, "did not connect within " + ChannelIo.seconds(timeoutNanos), e);
                }
            }
        }
    }

    private void checkHelloFromLeft(SocketChannel channel, long deadline) throws IOException {
        ByteBuffer hello = read(channel, deadline, left, "waiting for its hello");
        String from = String.valueOf(channel.getRemoteAddress());
        String problem = null;
        int magic = hello.getInt(0);
        int version = hello.getInt(4);
        if (magic != MAGIC) {
            problem = "not a CLUDA ring peer (magic " + Integer.toHexString(magic) + ")";
        } else if (version != TcpRingCollective.PROTOCOL_VERSION) {
            problem = "protocol version " + version + ", this rank speaks "
                    + TcpRingCollective.PROTOCOL_VERSION + " (mixed CLUDA versions?)";
        } else if (hello.getInt(8) != left.rank() || hello.getInt(12) != rank) {
            problem = "it says it is rank " + hello.getInt(8) + " connecting to rank "
                    + hello.getInt(12) + ", expected rank " + left.rank() + " connecting to rank "
                    + rank + " (do all ranks use the same address list?)";
        } else if (hello.getInt(16) != size) {
            problem = "it counts " + hello.getInt(16) + " ranks, this rank " + size;
        } else if (hello.getInt(20) != compression.ordinal()) {
            problem = "it uses compression " + compressionName(hello.getInt(20)) + ", this rank "
                    + compression + " (every rank needs the same setting)";
        }
        if (problem != null) {
            try {
                ChannelIo.writeFully(channel, hello(rank, left.rank(), REJECTED), ticker, deadline);
            } catch (IOException e) {
                // the rejection is a courtesy; the error below is what matters
            }
            throw fail(left, "handshake from " + from + " rejected: " + problem, null);
        }
    }

    private void checkReplyFromRight(SocketChannel channel, long deadline) throws IOException {
        ByteBuffer reply = read(channel, deadline, right, "waiting for its reply to the hello");
        if (reply.getInt(0) != MAGIC || reply.getInt(8) != right.rank()
                || reply.getInt(12) != rank) {
            throw fail(right, "handshake reply is not from the expected rank (magic "
                    + Integer.toHexString(reply.getInt(0)) + ", rank " + reply.getInt(8) + ")", null);
        }
        if (reply.getInt(24) != ACCEPTED) {
            throw fail(right, "rejected this rank's hello (protocol version "
                    + TcpRingCollective.PROTOCOL_VERSION + ", " + size + " ranks, compression "
                    + compression + "; its version " + reply.getInt(4) + ", " + reply.getInt(16)
                    + " ranks, compression " + compressionName(reply.getInt(20))
                    + "; see its error for why)", null);
        }
    }

    private ByteBuffer hello(int from, int to, int status) {
        ByteBuffer b = ByteBuffer.allocate(HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(TcpRingCollective.PROTOCOL_VERSION).putInt(from).putInt(to)
                .putInt(size).putInt(compression.ordinal()).putInt(status).flip();
        return b;
    }

    private ByteBuffer read(SocketChannel channel, long deadline, Peer peer, String doing)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            ChannelIo.readFully(channel, b, ticker, deadline);
        } catch (EOFException e) {
            throw fail(peer, "closed the connection while this rank was " + doing, e);
        } catch (ChannelIo.StallException e) {
            throw fail(peer, "no data while this rank was " + doing + " until the deadline", e);
        } catch (IOException e) {
            throw fail(peer, "connection failed while this rank was " + doing + ": " + e, e);
        }
        return b;
    }

    private void write(SocketChannel channel, ByteBuffer b, long deadline, Peer peer, String doing) {
        try {
            ChannelIo.writeFully(channel, b, ticker, deadline);
        } catch (IOException e) {
            throw fail(peer, "connection failed while this rank was " + doing + ": " + e, e);
        }
    }

    private CollectiveException fail(Peer peer, String problem, Throwable cause) {
        return new CollectiveException("rank " + rank + ", ring setup: " + peer + " " + problem,
                peer.rank(), cause);
    }

    private static String compressionName(int ordinal) {
        Compression[] all = Compression.values();
        return ordinal >= 0 && ordinal < all.length ? all[ordinal].name() : "#" + ordinal;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while connecting", -1, e);
        }
    }

    static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing after a failure: the original error is what matters
            }
        }
    }
}
