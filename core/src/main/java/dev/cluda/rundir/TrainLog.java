package dev.cluda.rundir;

import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code train.log} of a run directory: every message of the run, one dated line each (UTC, ISO
 * 8601), kept across resumes. Written whole and atomically at each {@link #flush}, so it works on
 * object stores, which cannot append, and a reader (the driver of a data-parallel run) never sees a
 * torn line.
 */
public final class TrainLog {

    public static final String FILE = "train.log";

    private final FileStore store;
    private final String path;
    private final Clock clock;
    private final StringBuilder text = new StringBuilder();

    private TrainLog(FileStore store, String path, Clock clock) {
        this.store = store;
        this.path = path;
        this.clock = clock;
    }

    /** The log of {@code runDir}; the lines an earlier session wrote are kept. */
    public static TrainLog open(FileStore store, String runDir, Clock clock) throws IOException {
        TrainLog log = new TrainLog(store, store.resolve(runDir, FILE), clock);
        if (store.exists(log.path)) {
            try (InputStream in = store.open(log.path)) {
                log.text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            if (log.text.length() > 0 && log.text.charAt(log.text.length() - 1) != '\n') {
                log.text.append('\n');
            }
        }
        return log;
    }

    /** Adds {@code message} (one line per line of it) with the current time. */
    public void line(String message) {
        String stamp = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        for (String l : message.split("\n", -1)) {
            text.append(stamp).append(' ').append(l).append('\n');
        }
    }

    /** Writes the log as it is now. */
    public void flush() throws IOException {
        store.writeAtomically(path, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
