package dev.cluda.parallel;

import dev.cluda.comm.Collective;
import dev.cluda.comm.TcpRingCollective;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: N ranks as N threads of this JVM, joined by a {@link TcpRingCollective} on
 * 127.0.0.1. Each rank's task runs on its own thread with its own collective (closed afterwards,
 * so a failing rank makes the others fail at once instead of waiting out the timeout).
 */
public final class Ranks {

    public interface Task<T> {
        T run(Collective collective) throws Exception;
    }

    private Ranks() {
    }

    /**
     * Runs {@code task} on every rank and returns the values in rank order.
     *
     * @throws AssertionError naming the first rank that failed, with its exception as the cause
     */
    public static <T> List<T> run(int n, long timeoutSeconds, Task<T> task) throws Exception {
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1");
            servers.add(server);
            addresses.add(TcpRingCollective.advertisedAddress(server, "127.0.0.1"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try (Collective c = TcpRingCollective.connect(rank, servers.get(rank), addresses,
                            Duration.ofSeconds(timeoutSeconds))) {
                        return task.run(c);
                    }
                }));
            }
            List<T> values = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                try {
                    values.add(futures.get(r).get(timeoutSeconds, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("rank " + r + " failed: " + e.getCause(), e.getCause());
                }
            }
            return values;
        } finally {
            pool.shutdownNow();
        }
    }
}
