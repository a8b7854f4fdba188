package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dead, silent and mismatched peers make every other rank fail within the timeout. */
class TcpRingFailureTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final double LIMIT_SECONDS = 2 * TIMEOUT.toSeconds() + 1;

    @Test
    void allReduce_peerClosesItsSocketsMidOperation_othersFailFastNamingIt() throws Exception {
        List<TcpRingCollective> ring = Rings.connect(3, TIMEOUT, Compression.NONE, 4096);
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
                assertTrue(o.seconds() < TIMEOUT.toSeconds(), "rank " + r + " took " + o.seconds());
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
        List<TcpRingCollective> ring = Rings.connect(3, TIMEOUT, Compression.NONE, 4096);
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
                assertTrue(out.get(r).seconds() < LIMIT_SECONDS, "rank " + r + " hung");
            }
            out.get(3).get();
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduce_peerNeverSends_timeoutNamesThatRank() throws Exception {
        Duration shortTimeout = Duration.ofSeconds(1);
        List<TcpRingCollective> ring = Rings.connect(3, shortTimeout, Compression.NONE, 4096);
        String address1 = addressOf(ring, 1);
        try {
            List<Rings.Outcome<Void>> out = Rings.onEachRank(3, rank -> {
                if (rank != 1) {
                    ring.get(rank).allReduceSum(new float[1000]);
                }
                return null;
            });
            CollectiveException e = (CollectiveException) out.get(2).error();
            assertNotNull(e);
            assertEquals(1, e.peerRank());
            assertTrue(e.getMessage().contains("rank 1 (" + address1 + ") sent no data for 1."),
                    e.getMessage());
            for (int r : new int[] {0, 2}) {
                assertTrue(out.get(r).error() instanceof CollectiveException);
                assertTrue(out.get(r).seconds() >= 0.9, "rank " + r + " failed too early");
                assertTrue(out.get(r).seconds() < 2 * shortTimeout.toSeconds() + 1,
                        "rank " + r + " took " + out.get(r).seconds());
            }
        } finally {
            Rings.closeAll(ring);
        }
    }

    @Test
    void allReduce_rightPeerSendsButNeverReads_writeTimeoutNamesIt() throws Exception {
        int floats = 8 << 20; // 32 MiB to send: more than loopback socket buffers hold
        Rings.Servers servers = Rings.Servers.open(2);
        List<Rings.Outcome<Void>> out = Rings.onEachRank(2, rank -> {
            if (rank == 0) {
                try (TcpRingCollective c = TcpRingCollective.connect(0, servers.channels().get(0),
                        servers.addresses(), Duration.ofSeconds(1))) {
                    c.allReduceSum(new float[floats]);
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
                    while (zeros.clear().hasRemaining()) {
                        toRank0.write(zeros);
                    }
                }
                Thread.sleep(1500); // rank 0 gives up meanwhile
            }
            return null;
        });
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
                        servers.addresses(), TIMEOUT, rank == 0 ? Compression.NONE : Compression.BF16));
        for (int r = 0; r < 2; r++) {
            Throwable e = out.get(r).error();
            assertTrue(e instanceof CollectiveException, "rank " + r + ": " + e);
            assertTrue(e.getMessage().contains("compression"), e.getMessage());
            assertTrue(out.get(r).seconds() < LIMIT_SECONDS);
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
        long start = System.nanoTime();
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> TcpRingCollective.connect(0, servers.channels().get(0), servers.addresses(),
                        Duration.ofMillis(500)));
        double seconds = (System.nanoTime() - start) / 1e9;
        servers.channels().get(1).close();
        assertTrue(e.getMessage().contains("rank 1 (" + servers.addresses().get(1)
                + ") did not connect within 0.5 s"), e.getMessage());
        assertTrue(seconds < 2, "took " + seconds);
    }

    private static String addressOf(List<TcpRingCollective> ring, int rank) {
        return ring.get(rank).addresses().get(rank);
    }

    private static InetSocketAddress addressOf(String hostPort) {
        InetSocketAddress a = Peer.parse(hostPort);
        return new InetSocketAddress(a.getHostString(), a.getPort());
    }
}
