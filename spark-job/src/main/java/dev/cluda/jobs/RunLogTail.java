package dev.cluda.jobs;

import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The driver's view of a data-parallel run: rank 0 writes {@code train.log} on an executor, and
 * this hands on the lines added since the run started, every {@code period}, so the driver's log
 * (a scheduler's, spark-submit's, a notebook's) shows progress instead of staying silent until the end.
 */
public final class RunLogTail implements AutoCloseable {

    private final FileStore store;
    private final String path;
    private final Consumer<String> sink;
    private final ScheduledExecutorService timer;
    private int printed;

    private RunLogTail(FileStore store, String path, Consumer<String> sink, long periodMillis) throws IOException {
        this.store = store;
        this.path = path;
        this.sink = sink;
        this.printed = lines().length; // an earlier session's lines were printed by that session
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluda-train-log-tail");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::printNew, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts handing {@code sink} each line added to {@code path} from now on, prefixed {@code [rank 0]}. */
    public static RunLogTail start(FileStore store, String path, Consumer<String> sink, long periodMillis)
            throws IOException {
        return new RunLogTail(store, path, sink, periodMillis);
    }

    private synchronized void printNew() {
        try {
            String[] lines = lines();
            for (int i = printed; i < lines.length; i++) {
                sink.accept("[rank 0] " + lines[i]);
            }
            printed = Math.max(printed, lines.length);
        } catch (IOException | RuntimeException e) {
            // a log being replaced or a store hiccup: the next tick reads it again
        }
    }

    private String[] lines() throws IOException {
        if (!store.exists(path)) {
            return new String[0];
        }
        try (InputStream in = store.open(path)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.isEmpty() ? new String[0] : text.split("\n");
        }
    }

    /** Stops, after handing on what was added since the last tick. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        printNew();
    }
}
