package dev.cluda.comm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of {@link TcpRingCollective#allReduceMean(float[])} among ranks run as threads on
 * loopback, next to a raw copy of the same bytes over one loopback TCP connection.
 *
 * <p>Reported quantity, for both: {@code payload bits / seconds / 1e9} with payload = one rank's
 * buffer, {@code 4 · floats · 8} bits (what NCCL calls the algorithm bandwidth). For the
 * all-reduce, seconds = wall time from the moment all ranks are released together until the last
 * rank returns; each rank actually sends {@code 2·(ranks−1)/ranks} of its buffer, so the per-link
 * ("bus") rate is {@code allreduceGbps · 2·(ranks−1)/ranks}. For the socket copy, seconds = from
 * the start of the write to the end of the read of the whole payload by a second thread. Each
 * figure is the median of {@code repeats} runs after one warm-up run.
 */
public final class AllReduceBenchmark {

    /** Where the ranks run: threads of this JVM, or one JVM each (as Spark executors are). */
    public enum Layout {
        THREADS, PROCESSES
    }

    /**
     * One measurement; {@link #toJson()} gives the {@code cluda bench allreduce} line.
     *
     * @param socketGbps       one loopback connection, one direction
     * @param duplexSocketGbps two loopback connections in opposite directions at once, per connection:
     *                         the traffic a two-rank ring puts on the machine, so its ceiling here
     */
    public record Result(int ranks, int floats, Layout layout, double allreduceGbps, double socketGbps,
            double duplexSocketGbps) {

        /** {@code {"ranks":2,"floats":4000000,"layout":"processes","allreduce_gbps":4.12,...}}. */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"ranks\":%d,\"floats\":%d,\"layout\":\"%s\",\"allreduce_gbps\":%.3f,\"socket_gbps\":%.3f,"
                            + "\"duplex_socket_gbps\":%.3f,\"share_of_socket\":%.3f,\"share_of_duplex_socket\":%.3f}",
                    ranks, floats, layout.name().toLowerCase(Locale.ROOT), allreduceGbps, socketGbps, duplexSocketGbps,
                    allreduceGbps / socketGbps, allreduceGbps / duplexSocketGbps);
        }
    }

    private AllReduceBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param ranks number of ranks (threads), at least 2
     * @param floats buffer length per rank, at least 1
     * @param repeats timed runs after one warm-up, at least 1
     * @throws IllegalArgumentException for values out of range
     */
    public static Result run(int ranks, int floats, int repeats) {
        return run(ranks, floats, repeats, Layout.THREADS);
    }

    /**
     * Runs the benchmark with the ranks laid out as given; with {@link Layout#PROCESSES} each rank is
     * a JVM started from this one's {@code java} and class path, and every rank's final buffer must
     * be bit-identical (checked by a checksum each rank reports).
     *
     * @throws CollectiveException if a rank fails or the ranks' results differ
     */
    public static Result run(int ranks, int floats, int repeats, Layout layout) {
        if (ranks < 2) {
            throw new IllegalArgumentException("ranks must be at least 2, got " + ranks);
        }
        if (floats < 1 || repeats < 1) {
            throw new IllegalArgumentException("floats and repeats must be positive, got floats="
                    + floats + ", repeats=" + repeats);
        }
        double bits = 8.0 * Float.BYTES * floats;
        try {
            double allReduceSeconds = layout == Layout.THREADS ? timeAllReduce(ranks, floats, repeats)
                    : RankProcesses.timeAllReduce(ranks, floats, repeats);
            double socketSeconds = timeSocketCopy((long) Float.BYTES * floats, repeats, 1);
            double duplexSeconds = timeSocketCopy((long) Float.BYTES * floats, repeats, 2);
            return new Result(ranks, floats, layout, bits / allReduceSeconds / 1e9, bits / socketSeconds / 1e9,
                    bits / duplexSeconds / 1e9);
        } catch (IOException e) {
            throw new CollectiveException("benchmark failed: " + e, -1, e);
        }
    }

    private static double timeAllReduce(int ranks, int floats, int repeats) throws IOException {
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            for (int r = 0; r < ranks; r++) {
                ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1");
                servers.add(server);
                addresses.add(TcpRingCollective.advertisedAddress(server, "127.0.0.1"));
            }
            AtomicLong start = new AtomicLong();
            CyclicBarrier go = new CyclicBarrier(ranks, () -> start.set(System.nanoTime()));
            long[][] ends = new long[ranks][repeats + 1];
            List<Future<long[]>> done = new ArrayList<>();
            long[] starts = new long[repeats + 1];
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                done.add(pool.submit(() -> {
                    float[] buffer = new float[floats];
                    SplittableRandom random = new SplittableRandom(rank);
                    for (int i = 0; i < floats; i++) {
                        buffer[i] = (float) random.nextDouble(-1, 1);
                    }
                    try (TcpRingCollective ring = TcpRingCollective.connect(rank,
                            servers.get(rank), addresses, TcpRingCollective.DEFAULT_TIMEOUT)) {
                        for (int k = 0; k <= repeats; k++) {
                            go.await();
                            if (rank == 0) {
                                starts[k] = start.get();
                            }
                            ring.allReduceMean(buffer);
                            ends[rank][k] = System.nanoTime();
                        }
                    }
                    return ends[rank];
                }));
            }
            for (Future<long[]> f : done) {
                f.get();
            }
            double[] seconds = new double[repeats];
            for (int k = 1; k <= repeats; k++) {
                long last = 0;
                for (int r = 0; r < ranks; r++) {
                    last = Math.max(last, ends[r][k] - starts[k]);
                }
                seconds[k - 1] = last / 1e9;
            }
            return median(seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("benchmark interrupted", -1, e);
        } catch (ExecutionException e) {
            throw new CollectiveException("benchmark rank failed: " + e.getCause(), -1, e.getCause());
        } finally {
            pool.shutdownNow();
            servers.forEach(RingHandshake::closeQuietly);
        }
    }

    /** Median seconds to move {@code bytes} over each of {@code links} loopback connections at once. */
    private static double timeSocketCopy(long bytes, int repeats, int links) throws IOException {
        int pieceBytes = (int) Math.min(bytes, TcpRingCollective.DEFAULT_PIECE_BYTES);
        ExecutorService pool = Executors.newFixedThreadPool(2 * links);
        List<SocketChannel> open = new ArrayList<>();
        try (ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1")) {
            List<SocketChannel[]> pairs = new ArrayList<>();
            for (int l = 0; l < links; l++) {
                SocketChannel out = SocketChannel.open(server.getLocalAddress());
                open.add(out);
                SocketChannel in = server.accept();
                open.add(in);
                pairs.add(new SocketChannel[] {out, in});
            }
            double[] seconds = new double[repeats];
            for (int k = 0; k <= repeats; k++) {
                long t0 = System.nanoTime();
                List<Future<?>> running = new ArrayList<>();
                for (SocketChannel[] pair : pairs) {
                    running.add(pool.submit(() -> {
                        drain(pair[1], ByteBuffer.allocateDirect(pieceBytes), bytes);
                        return null;
                    }));
                    running.add(pool.submit(() -> {
                        fill(pair[0], ByteBuffer.allocateDirect(pieceBytes), bytes);
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                if (k > 0) {
                    seconds[k - 1] = (System.nanoTime() - t0) / 1e9;
                }
            }
            return median(seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("benchmark interrupted", -1, e);
        } catch (ExecutionException e) {
            throw new IOException("socket copy failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            open.forEach(RingHandshake::closeQuietly);
        }
    }

    private static void fill(SocketChannel out, ByteBuffer source, long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            source.clear();
            source.limit((int) Math.min(left, source.capacity()));
            while (source.hasRemaining()) {
                left -= out.write(source);
            }
        }
    }

    private static void drain(SocketChannel in, ByteBuffer sink, long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            sink.clear();
            sink.limit((int) Math.min(left, sink.capacity()));
            int n = in.read(sink);
            if (n < 0) {
                throw new IOException("socket closed after " + (bytes - left) + " of " + bytes
                        + " bytes");
            }
            left -= n;
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
