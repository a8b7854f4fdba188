package dev.cluda.rundir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.io.FileStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl} of a run directory: one JSON object per logged iteration with
 * {@code iter}, {@code lr}, each loss term under {@code loss.<name>}, {@code sec_per_iter} and
 * {@code pseudo_conf} (ARCHITECTURE.md, run directory contract).
 *
 * <p>Object stores cannot append, so the log is kept in memory and the file rewritten atomically
 * on {@link #flush}; it is small (one line per logged iteration). On resume, lines past the
 * checkpoint's iteration are dropped so the log matches the weights.
 */
public final class MetricsLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileStore store;
    private final String path;
    private final List<String> lines = new ArrayList<>();

    private MetricsLog(FileStore store, String path) {
        this.store = store;
        this.path = path;
    }

    /** A new, empty log at {@code path}. */
    public static MetricsLog create(FileStore store, String path) {
        return new MetricsLog(store, path);
    }

    /** Reopens an existing log, keeping only the entries with {@code iter < resumeIteration}. */
    public static MetricsLog resume(FileStore store, String path, long resumeIteration) throws IOException {
        MetricsLog log = new MetricsLog(store, path);
        if (!store.exists(path)) {
            return log;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(store.open(path), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank() && JSON.readTree(line).path("iter").asLong() < resumeIteration) {
                    log.lines.add(line);
                }
            }
        }
        return log;
    }

    /**
     * Adds one entry. {@code losses} maps a loss term's name ({@code ce_source}) to its value and
     * becomes {@code loss.ce_source}; {@code extra} holds further scalar metrics.
     */
    public void log(long iter, double lr, Map<String, Double> losses, double secPerIter, double pseudoConf,
                    Map<String, Double> extra) {
        ObjectNode node = JSON.createObjectNode();
        node.put("iter", iter);
        put(node, "lr", lr);
        losses.forEach((name, value) -> put(node, "loss." + name, value));
        put(node, "sec_per_iter", secPerIter);
        put(node, "pseudo_conf", pseudoConf);
        extra.forEach((name, value) -> put(node, name, value));
        lines.add(node.toString());
    }

    /**
     * Adds {@code key = value} to the entry of iteration {@code iter} (the evaluation's mIoU, made
     * after that line and its checkpoint were written); false if there is no such entry.
     */
    public boolean annotate(long iter, String key, double value) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            try {
                ObjectNode node = (ObjectNode) JSON.readTree(lines.get(i));
                if (node.path("iter").asLong() == iter) {
                    put(node, key, value);
                    lines.set(i, node.toString());
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("metrics line " + i + " is not JSON", e);
            }
        }
        return false;
    }

    /** NaN and infinities are not JSON: they are written as null (e.g. pseudo_conf without UDA). */
    private static void put(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    /** Entries logged so far (including those kept from a resumed run). */
    public int size() {
        return lines.size();
    }

    /** Writes the whole log atomically. */
    public void flush() {
        try {
            store.writeAtomically(path, (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"))
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }
}
