package dev.cluda.comm;

import dev.cluda.comm.OpHeader.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Collective} over TCP: the ranks form a ring, each rank sending to rank + 1 and receiving
 * from rank − 1 (mod N) over its own sockets. All-reduce is the bandwidth-optimal ring algorithm
 * (reduce-scatter then all-gather, N − 1 steps each over N chunks, each rank sending
 * 2·(N−1)/N of the buffer), broadcast a pipelined ring, all-gather N − 1 ring steps. Chunks are
 * cut into pieces (1 MiB by default) that flow through {@link RingPipeline}, so sending one piece
 * overlaps receiving and reducing the next on the same thread. Values travel little-endian; sums
 * are fp32, optionally with 16-bit values on the wire ({@link Compression}).
 *
 * <p>Setup ({@link #connect}): every rank binds a server socket first ({@link #openServer}),
 * advertises {@code host:port} (in Spark through {@code BarrierTaskContext.allGather}), then
 * connects with the full address list; a handshake checks ranks, number of ranks, protocol version
 * and compression. Every connect, accept, read and write has a deadline: a dead peer (reset or
 * end of stream) or a stalled one (no progress for the timeout) makes the call fail with a
 * {@link CollectiveException} naming the peer; the failing rank closes its sockets, so its
 * neighbours fail at once too instead of waiting out their own timeouts. The timeout also bounds
 * how long a rank waits for the others to enter the same call, so it must exceed the largest
 * difference in step time between ranks.
 */
public final class TcpRingCollective implements Collective {

    /** Version of the handshake and operation framing; ranks with different versions refuse. */
    public static final int PROTOCOL_VERSION = 1;
    /** Timeout used where none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Size of one pipelined piece on the wire. */
    static final int DEFAULT_PIECE_BYTES = 1 << 20;

    private final int rank;
    private final int size;
    private final List<String> addresses;
    private final Compression compression;
    private final int pieceBytes;
    private final RingPipeline pipeline;
    private final float[] scratch;
    private final AtomicBoolean busy = new AtomicBoolean();
    private long calls;
    private volatile CollectiveException failure;
    private volatile boolean closed;

    private TcpRingCollective(int rank, List<String> addresses, Compression compression,
            int pieceBytes, RingPipeline pipeline) {
        this.rank = rank;
        this.size = addresses.size();
        this.addresses = addresses;
        this.compression = compression;
        this.pieceBytes = pieceBytes;
        this.pipeline = pipeline;
        this.scratch = new float[pieceBytes / Float.BYTES];
    }

    /**
     * Opens a server socket on {@code bindHost} and an ephemeral port, for {@link #connect}.
     * Advertise it with {@link #advertisedAddress}.
     */
    public static ServerSocketChannel openServer(String bindHost) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(bindHost, 0));
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code host:port} of a bound server, with the host the other ranks reach this one at. */
    public static String advertisedAddress(ServerSocketChannel server, String host)
            throws IOException {
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@link #connect(int, ServerSocketChannel, List, Duration, Compression)} without compression. */
    public static TcpRingCollective connect(int rank, ServerSocketChannel server,
            List<String> addresses, Duration timeout) {
        return connect(rank, server, addresses, timeout, Compression.NONE);
    }

    /**
     * Connects this rank into the ring; blocks until both neighbours are connected and the
     * handshake passed, at most {@code timeout}. Takes ownership of {@code server} and closes it.
     *
     * @param rank this rank, in {@code [0, addresses.size())}
     * @param server this rank's bound, listening server channel (its address is
     *     {@code addresses.get(rank)})
     * @param addresses every rank's {@code host:port}, in rank order; at least 2
     * @param timeout deadline for setup and for every later send or receive to make progress
     * @param compression wire format of float all-reduces; every rank must use the same
     * @throws IllegalArgumentException for a bad rank, address, timeout or an unbound server
     * @throws CollectiveException when a neighbour cannot be reached or fails the handshake
     */
    public static TcpRingCollective connect(int rank, ServerSocketChannel server,
            List<String> addresses, Duration timeout, Compression compression) {
        return connect(rank, server, addresses, timeout, compression, DEFAULT_PIECE_BYTES);
    }

    static TcpRingCollective connect(int rank, ServerSocketChannel server,
            List<String> addresses, Duration timeout, Compression compression, int pieceBytes) {
        return connect(rank, server, addresses, timeout, compression, pieceBytes, Ticker.SYSTEM);
    }

    /** As above, with every deadline measured on {@code ticker} (tests pass a hand-moved one). */
    static TcpRingCollective connect(int rank, ServerSocketChannel server,
            List<String> addresses, Duration timeout, Compression compression, int pieceBytes,
            Ticker ticker) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(compression, "compression");
        int size = addresses.size();
        if (size < 2) {
            throw new IllegalArgumentException("a TCP ring needs at least 2 ranks, got " + size
                    + " address(es); use SingleRankCollective for one rank");
        }
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " is outside [0, " + size + ")");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (pieceBytes < 64 || pieceBytes % Long.BYTES != 0) {
            throw new IllegalArgumentException("piece size " + pieceBytes
                    + " must be a multiple of 8 and at least 64 bytes");
        }
        addresses.forEach(Peer::parse);
        if (!server.isOpen() || localAddress(server) == null) {
            throw new IllegalArgumentException("server channel of rank " + rank
                    + " must be open and bound (see openServer) before connect");
        }
        Peer left = new Peer(Math.floorMod(rank - 1, size), addresses.get(Math.floorMod(rank - 1, size)));
        Peer right = new Peer((rank + 1) % size, addresses.get((rank + 1) % size));
        long timeoutNanos = timeout.toNanos();
        RingHandshake.Links links = new RingHandshake(rank, size, compression, left, right, ticker)
                .connect(server, timeoutNanos);
        try {
            RingPipeline pipeline = new RingPipeline(links, left, right, pieceBytes, timeoutNanos,
                    ticker);
            return new TcpRingCollective(rank, List.copyOf(addresses), compression, pieceBytes,
                    pipeline);
        } catch (IOException e) {
            RingHandshake.closeQuietly(links.left());
            RingHandshake.closeQuietly(links.right());
            throw new CollectiveException("rank " + rank + ": could not set up the selector: " + e,
                    -1, e);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    /** Every rank's {@code host:port}, in rank order, as given to {@link #connect}. */
    public List<String> addresses() {
        return addresses;
    }

    /** Wire format of float all-reduces. */
    public Compression compression() {
        return compression;
    }

    @Override
    public void allReduceSum(float[] buffer) {
        allReduceFloats(buffer, Kind.ALL_REDUCE_SUM);
    }

    @Override
    public void allReduceMean(float[] buffer) {
        allReduceFloats(buffer, Kind.ALL_REDUCE_MEAN);
        float n = size;
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] /= n;
        }
    }

    private void allReduceFloats(float[] buffer, Kind kind) {
        Objects.requireNonNull(buffer, "buffer");
        int elements = pieceBytes / compression.bytesPerValue();
        run(kind, buffer.length, -1, RingPlan.allReduce(rank, size, buffer.length, elements),
                WireCodec.of(buffer, compression, scratch));
    }

    @Override
    public void allReduceSum(long[] buffer) {
        Objects.requireNonNull(buffer, "buffer");
        run(Kind.ALL_REDUCE_SUM_LONG, buffer.length, -1,
                RingPlan.allReduce(rank, size, buffer.length, pieceBytes / Long.BYTES),
                WireCodec.of(buffer));
    }

    @Override
    public void broadcast(float[] buffer, int root) {
        Objects.requireNonNull(buffer, "buffer");
        checkRoot(root);
        run(Kind.BROADCAST_FLOATS, buffer.length, root,
                RingPlan.broadcast(rank, size, root, buffer.length, pieceBytes / Float.BYTES),
                WireCodec.of(buffer, Compression.NONE, scratch));
    }

    @Override
    public void broadcast(byte[] buffer, int root) {
        Objects.requireNonNull(buffer, "buffer");
        checkRoot(root);
        run(Kind.BROADCAST_BYTES, buffer.length, root,
                RingPlan.broadcast(rank, size, root, buffer.length, pieceBytes),
                WireCodec.of(buffer));
    }

    @Override
    public long[] allGatherLong(long value) {
        long[] values = new long[size];
        values[rank] = value;
        run(Kind.ALL_GATHER_LONG, size, -1, RingPlan.allGather(rank, size, 1),
                WireCodec.of(values));
        return values;
    }

    /** An all-gather of nothing: each rank hears, through the ring, from every other rank. */
    @Override
    public void barrier() {
        run(Kind.BARRIER, 0, -1, RingPlan.allGather(rank, size, 1), WireCodec.of(new long[size]));
    }

    private void run(Kind kind, int length, int root, RingPlan plan, WireCodec codec) {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("rank " + rank + ": a collective call is already"
                    + " running on another thread; calls on one collective must not overlap");
        }
        try {
            if (closed) {
                throw new IllegalStateException("rank " + rank + ": collective is closed");
            }
            if (failure != null) {
                throw new CollectiveException("rank " + rank + ": collective is broken by an"
                        + " earlier failure: " + failure.getMessage(), failure.peerRank(), failure);
            }
            calls++;
            try {
                pipeline.run(new OpHeader(calls, kind, length, root), plan, codec);
            } catch (CollectiveException e) {
                failure = new CollectiveException("rank " + rank + ", " + e.getMessage(),
                        e.peerRank(), e.getCause());
                pipeline.close();
                throw failure;
            } catch (RuntimeException | Error e) {
                failure = new CollectiveException("rank " + rank + ": internal failure: " + e, -1, e);
                pipeline.close();
                throw e;
            }
        } finally {
            busy.set(false);
        }
    }

    private void checkRoot(int root) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("root " + root + " is outside [0, " + size + ")");
        }
    }

    private static InetSocketAddress localAddress(ServerSocketChannel server) {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** E.g. {@code TcpRingCollective[rank 0 of 3 at 10.0.0.5:40123, compression NONE]}. */
    @Override
    public String toString() {
        return "TcpRingCollective[rank " + rank + " of " + size + " at " + addresses.get(rank)
                + ", compression " + compression + "]";
    }

    @Override
    public void close() {
        closed = true;
        pipeline.close();
    }
}
