package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Dead, silent and mismatched peers make every other rank fail within the timeout. Every rank
 * measures its deadlines on a {@link ManualTicker}: where a clock never moves, a failure can only
 * be the peer's death detected, never a timeout; where the test moves it, a timeout happens when
 * the clock passes the deadline, however slow the machine.
 */
@IntegrationTest
class TcpRingFailureTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Real time a rank is given to (wrongly) fail while its clock stays short of a deadline. */
    private static final long SETTLE_MILLIS = 300;

    @Test
    void allReduce_peerClosesItsSocketsMidOperation_othersFailFastNamingIt() throws Exception {
        List<TcpRingCollective> ring = Rings.connect(3, TIMEOUT, Compression.NONE, 4096,
                rank -> new ManualTicker());
        String address1 = addressOf(ring, 1);
        try {
            List<Rings.Outcome<Void>> out = Rings.onEachRank(3, rank -> {
                if (rank == 1) {
                    Thread.sleep(300); // ranks 0 and 2 are inside the all-reduce by now
                    ring.get(1).close();
                } else {
                    ring.get(rank).allReduceSum(new float[200_000]);
                }
                return null;
            });
            for (int r : new int[] {0, 2}) {
                Rings.Outcome<Void> o = out.get(r);
                assertTrue(o.error() instanceof CollectiveException, "rank " + r + ": " + o.error());
                assertNotTimedOut(r, o.error());
            }
            CollectiveException right = (CollectiveException) out.get(2).error();
            assertEquals(1, right.peerRank());
            assertTrue(right.getMessage().contains("rank 1 (" + address1 + ")"), right.getMessage());
            assertTrue(right.getMessage().contains("closed the connection"), right.getMessage());
            assertTrue(right.getMessage().startsWith("rank 2, all-reduce sum of 200000 floats"
                    + " (call #1) step 1/4"), right.getMessage());
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduce_peerClosedWhileItsOwnCallRuns_everyRankFailsWithinTimeout() throws Exception {
        List<TcpRingCollective> ring = Rings.connect(3, TIMEOUT, Compression.NONE, 4096,
                rank -> new ManualTicker());
        try {
            List<Rings.Outcome<Void>> out = Rings.onEachRank(4, task -> {
                if (task == 3) { // the fault injector: closes rank 1 while it is in its call
                    Thread.sleep(300);
                    ring.get(1).close();
                } else if (task == 2) { // rank 2 comes late, after rank 1 is gone
                    Thread.sleep(600);
                    ring.get(2).allReduceSum(new float[100_000]);
                } else {
                    ring.get(task).allReduceSum(new float[100_000]);
                }
                return null;
            });
            for (int r = 0; r < 3; r++) {
                assertTrue(out.get(r).error() instanceof CollectiveException,
                        "rank " + r + ": " + out.get(r).error());
                assertNotTimedOut(r, out.get(r).error());
            }
            out.get(3).get();
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduce_peerNeverSends_timeoutNamesThatRank() throws Exception {
        Duration shortTimeout = Duration.ofSeconds(1);
        // only rank 2 waits on the silent rank 1 and only its clock moves; rank 0 waits on rank 2
        ManualTicker clock2 = new ManualTicker();
        List<TcpRingCollective> ring = Rings.connect(3, shortTimeout, Compression.NONE, 4096,
                rank -> rank == 2 ? clock2 : new ManualTicker());
        String address1 = addressOf(ring, 1);
        try {
            long connectReads = clock2.reads();
            Rings.Running<Void> running = Rings.start(3, rank -> {
                if (rank != 1) {
                    ring.get(rank).allReduceSum(new float[1000]);
                }
                return null;
            });
            clock2.awaitReads(connectReads + 1); // rank 2 took the time its wait starts at
            clock2.advance(shortTimeout.minusMillis(1));
            Thread.sleep(SETTLE_MILLIS);
            assertFalse(running.done(0) || running.done(2), "a rank failed too early");
            clock2.advance(Duration.ofMillis(1));
            clock2.awaitAdvancing(shortTimeout, () -> running.done(2));
            List<Rings.Outcome<Void>> out = running.await();
            CollectiveException e = (CollectiveException) out.get(2).error();
            assertNotNull(e);
            assertEquals(1, e.peerRank());
            assertTrue(e.getMessage().contains("rank 1 (" + address1 + ") sent no data for 1."),
                    e.getMessage());
            for (int r : new int[] {0, 2}) {
                assertTrue(out.get(r).error() instanceof CollectiveException);
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduce_rightPeerSendsButNeverReads_writeTimeoutNamesIt() throws Exception {
        int floats = 8 << 20; // 32 MiB to send: more than loopback socket buffers hold
        Rings.Servers servers = Rings.Servers.open(2);
        ManualTicker clock = new ManualTicker();
        CountDownLatch allSent = new CountDownLatch(1);
        CountDownLatch rank0Done = new CountDownLatch(1);
        Rings.Running<Void> running = Rings.start(2, rank -> {
            if (rank == 0) {
                try (TcpRingCollective c = TcpRingCollective.connect(0, servers.channels().get(0),
                        servers.addresses(), Duration.ofSeconds(1), Compression.NONE,
                        TcpRingCollective.DEFAULT_PIECE_BYTES, clock)) {
                    c.allReduceSum(new float[floats]);
                } finally {
                    rank0Done.countDown();
                }
                return null;
            }
            // a fake rank 1 that follows the protocol but never reads rank 0's data
            try (SocketChannel fromRank0 = acceptAndReply(servers.channels().get(1));
                    SocketChannel toRank0 = SocketChannel.open(
                            addressOf(servers.addresses().get(0)))) {
                assertTrue(fromRank0.isOpen()); // held open, never read
                toRank0.write(hello(1, 0, 2));
                readFully(toRank0, ByteBuffer.allocate(28));
                ByteBuffer header = ByteBuffer.allocate(OpHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                new OpHeader(1, OpHeader.Kind.ALL_REDUCE_SUM, floats, -1).writeTo(header);
                toRank0.write(header.flip());
                ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
                for (long left = 4L * floats; left > 0; left -= 1 << 20) {
                    for (zeros.clear(); zeros.hasRemaining(); ) {
                        toRank0.write(zeros);
                    }
                }
                allSent.countDown();
                rank0Done.await(20, TimeUnit.SECONDS); // rank 0 gives up meanwhile
            }
            return null;
        });
        assertTrue(allSent.await(20, TimeUnit.SECONDS), "the fake rank 1 could not send");
        // rank 0 has read all but what the socket buffers hold: let it drain them, so that
        // only its sending waits when the clock moves
        Thread.sleep(SETTLE_MILLIS);
        assertFalse(running.done(0), "rank 0 failed before its clock moved");
        clock.advance(Duration.ofSeconds(1));
        clock.awaitAdvancing(Duration.ofSeconds(1), () -> running.done(0));
        List<Rings.Outcome<Void>> out = running.await();
        Throwable e = out.get(0).error();
        assertTrue(e instanceof CollectiveException, String.valueOf(e));
        assertTrue(e.getMessage().contains("rank 1 (" + servers.addresses().get(1)
                + ") accepted no data for 1."), e.getMessage());
        // the fake's own outcome does not matter: rank 0 closing may reset its last writes
    }

    private static SocketChannel acceptAndReply(java.nio.channels.ServerSocketChannel server)
            throws Exception {
        SocketChannel channel = server.accept();
        readFully(channel, ByteBuffer.allocate(28));
        channel.write(hello(1, 0, 2));
        return channel;
    }

    private static ByteBuffer hello(int from, int to, int size) {
        ByteBuffer hello = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        hello.putInt(RingHandshake.MAGIC).putInt(TcpRingCollective.PROTOCOL_VERSION).putInt(from)
                .putInt(to).putInt(size).putInt(Compression.NONE.ordinal()).putInt(0);
        return hello.flip();
    }

    private static void readFully(SocketChannel channel, ByteBuffer b) throws Exception {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new java.io.EOFException();
            }
        }
    }

    @Test
    void connect_ranksDisagreeOnCompression_bothFailTheHandshake() throws Exception {
        Rings.Servers servers = Rings.Servers.open(2);
        List<Rings.Outcome<TcpRingCollective>> out = Rings.onEachRank(2,
                rank -> TcpRingCollective.connect(rank, servers.channels().get(rank),
                        servers.addresses(), TIMEOUT, rank == 0 ? Compression.NONE : Compression.BF16,
                        TcpRingCollective.DEFAULT_PIECE_BYTES, new ManualTicker()));
        for (int r = 0; r < 2; r++) {
            Throwable e = out.get(r).error();
            assertTrue(e instanceof CollectiveException, "rank " + r + ": " + e);
            assertTrue(e.getMessage().contains("compression"), e.getMessage());
            assertNotTimedOut(r, e);
        }
    }

    @Test
    void connect_leftPeerSpeaksAnotherProtocolVersion_rejected() throws Exception {
        Rings.Servers servers = Rings.Servers.open(2);
        List<Rings.Outcome<TcpRingCollective>> out = Rings.onEachRank(2, rank -> {
            if (rank == 0) {
                return TcpRingCollective.connect(0, servers.channels().get(0),
                        servers.addresses(), TIMEOUT);
            }
            // a fake rank 1 of another version: connects to rank 0 and says hello
            try (SocketChannel fake = SocketChannel.open(addressOf(servers.addresses().get(0)))) {
                ByteBuffer hello = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
                hello.putInt(RingHandshake.MAGIC).putInt(99).putInt(1).putInt(0).putInt(2)
                        .putInt(0).putInt(0).flip();
                fake.write(hello);
                ByteBuffer reply = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
                while (reply.hasRemaining() && fake.read(reply) >= 0) {
                    // read the rejection
                }
                assertEquals(1, reply.getInt(24), "rank 0 marks its reply rejected");
                servers.channels().get(1).accept().close(); // rank 0's own connection
            }
            return null;
        });
        Throwable e = out.get(0).error();
        assertTrue(e instanceof CollectiveException, String.valueOf(e));
        assertTrue(e.getMessage().contains("protocol version 99, this rank speaks 1"),
                e.getMessage());
        out.get(1).get();
    }

    @Test
    void connect_leftPeerNeverConnects_timeoutNamesIt() throws Exception {
        Rings.Servers servers = Rings.Servers.open(2);
        Duration timeout = Duration.ofMillis(500);
        ManualTicker clock = new ManualTicker();
        Rings.Running<TcpRingCollective> running = Rings.start(1,
                rank -> TcpRingCollective.connect(0, servers.channels().get(0),
                        servers.addresses(), timeout, Compression.NONE,
                        TcpRingCollective.DEFAULT_PIECE_BYTES, clock));
        clock.awaitReads(1); // rank 0 set its deadline
        clock.advance(timeout.minusMillis(1));
        Thread.sleep(SETTLE_MILLIS);
        assertFalse(running.done(0), "rank 0 gave up before its clock reached the timeout");
        clock.advance(Duration.ofMillis(1));
        clock.awaitAdvancing(timeout, () -> running.done(0));
        Rings.Outcome<TcpRingCollective> out = running.await().get(0);
        CollectiveException e = assertInstanceOf(CollectiveException.class, out.error());
        servers.channels().get(1).close();
        assertTrue(e.getMessage().contains("rank 1 (" + servers.addresses().get(1)
                + ") did not connect within 0.5 s"), e.getMessage());
    }

    /** With its clock standing still a rank cannot time out: it must have seen the peer die. */
    private static void assertNotTimedOut(int rank, Throwable e) {
        String message = String.valueOf(e.getMessage());
        assertFalse(message.contains("no data for") || message.contains("within")
                || message.contains("deadline"), "rank " + rank + " timed out: " + message);
    }

    private static String addressOf(List<TcpRingCollective> ring, int rank) {
        return ring.get(rank).addresses().get(rank);
    }

    private static InetSocketAddress addressOf(String hostPort) {
        InetSocketAddress a = Peer.parse(hostPort);
        return new InetSocketAddress(a.getHostString(), a.getPort());
    }
}
