package dev.cluda.comm;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Test helper: ranks as threads on 127.0.0.1 with ephemeral ports. */
final class Rings {

    /** What one rank's task returned or threw, and after how long. */
    record Outcome<T>(T value, Throwable error, long nanos) {
        T get() {
            if (error != null) {
                throw new AssertionError("rank failed: " + error, error);
            }
            return value;
        }
    }

    interface RankTask<T> {
        T run(int rank) throws Exception;
    }

    private Rings() {
    }

    /** Bound servers and their addresses, one per rank. */
    record Servers(List<ServerSocketChannel> channels, List<String> addresses) {
        static Servers open(int n) throws IOException {
            List<ServerSocketChannel> channels = new ArrayList<>();
            List<String> addresses = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1");
                channels.add(server);
                addresses.add(TcpRingCollective.advertisedAddress(server, "127.0.0.1"));
            }
            return new Servers(channels, addresses);
        }
    }

    /** Connects {@code n} ranks in parallel; fails the test if any rank fails. */
    static List<TcpRingCollective> connect(int n, Duration timeout, Compression compression,
            int pieceBytes) throws Exception {
        return connect(n, timeout, compression, pieceBytes, rank -> Ticker.SYSTEM);
    }

    /** As above, each rank measuring its deadlines on {@code tickers.apply(rank)}. */
    static List<TcpRingCollective> connect(int n, Duration timeout, Compression compression,
            int pieceBytes, IntFunction<Ticker> tickers) throws Exception {
        Servers servers = Servers.open(n);
        List<Outcome<TcpRingCollective>> out = onEachRank(n, rank -> TcpRingCollective.connect(
                rank, servers.channels().get(rank), servers.addresses(), timeout, compression,
                pieceBytes, tickers.apply(rank)));
        List<TcpRingCollective> ranks = new ArrayList<>();
        for (Outcome<TcpRingCollective> o : out) {
            ranks.add(o.get());
        }
        return ranks;
    }

    static List<TcpRingCollective> connect(int n) throws Exception {
        return connect(n, Duration.ofSeconds(10), Compression.NONE,
                TcpRingCollective.DEFAULT_PIECE_BYTES);
    }

    /** Runs {@code task} for ranks 0..n-1 on n threads; waits at most 20 s. */
    static <T> List<Outcome<T>> onEachRank(int n, RankTask<T> task) throws Exception {
        return start(n, task).await();
    }

    /** Starts {@code task} for ranks 0..n-1 on n threads; {@link Running#await} collects them. */
    static <T> Running<T> start(int n, RankTask<T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        long start = System.nanoTime();
        List<Future<Outcome<T>>> futures = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            futures.add(pool.submit(() -> {
                try {
                    T value = task.run(rank);
                    return new Outcome<T>(value, null, System.nanoTime() - start);
                } catch (Throwable e) {
                    return new Outcome<T>(null, e, System.nanoTime() - start);
                }
            }));
        }
        return new Running<>(pool, futures);
    }

    /** Ranks started by {@link #start}. */
    record Running<T>(ExecutorService pool, List<Future<Outcome<T>>> futures) {
        boolean done(int rank) {
            return futures.get(rank).isDone();
        }

        boolean anyDone() {
            return futures.stream().anyMatch(Future::isDone);
        }

        /** Every rank's outcome, waiting at most 20 s for each, so a hung rank fails the test. */
        List<Outcome<T>> await() throws Exception {
            try {
                List<Outcome<T>> outcomes = new ArrayList<>();
                for (Future<Outcome<T>> f : futures) {
                    outcomes.add(f.get(20, TimeUnit.SECONDS));
                }
                return outcomes;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    static void closeAll(List<? extends Collective> ranks) {
        ranks.forEach(Collective::close);
    }
}
