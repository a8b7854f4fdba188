package dev.cluda.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The record of a {@link BadSamplePolicy#SKIP} run: how many distinct samples were seen and
 * which were skipped, with file and reason. One per loader; not thread-safe. A label ("source",
 * "target train", "target val") names the loader in {@link #labelledSummary()} and
 * {@link #summarize}; local files are shown as plain paths, without {@code file:}.
 */
public final class BadSampleLog {

    /** One skipped sample: the offending file and the problem, without the file name prefix. */
    public record Entry(String file, String reason) {
    }

    /** Entries listed in {@link #summary()} before it abbreviates. */
    static final int SUMMARY_LIMIT = 20;

    /** A {@code file:} scheme in front of an absolute path, dropped so local files read the same everywhere. */
    private static final Pattern FILE_SCHEME = Pattern.compile("\\bfile:(?://)?(?=/)");

    private final String label;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> skippedIds = new HashSet<>();
    private final List<Entry> entries = new ArrayList<>();

    /** An unlabelled log. */
    public BadSampleLog() {
        this("");
    }

    /** A log named {@code label} in summaries, such as "source" or "target val". */
    public BadSampleLog(String label) {
        this.label = Objects.requireNonNull(label, "label");
    }

    /** The label given at construction; empty if none. */
    public String label() {
        return label;
    }

    /** Counts sample {@code id} as seen (counted once however often it is seen). */
    public void seen(String id) {
        seen.add(id);
    }

    /** Records that sample {@code id} was skipped because of {@code problem}. */
    public void skipped(String id, BadSampleException problem) {
        seen.add(id);
        if (skippedIds.add(id)) {
            entries.add(new Entry(displayPath(problem.file()), displayPath(reasonOf(problem))));
        }
    }

    public int seenCount() {
        return seen.size();
    }

    public int skippedCount() {
        return entries.size();
    }

    /** Skipped samples in the order they were met. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * "skipped 2 of 10 samples: a.png: reason; b.png: reason", listing at most
     * {@value #SUMMARY_LIMIT} entries and then "... and N more".
     */
    public String summary() {
        StringBuilder out = new StringBuilder("skipped ").append(entries.size()).append(" of ")
                .append(seen.size()).append(" samples");
        for (int i = 0; i < entries.size() && i < SUMMARY_LIMIT; i++) {
            Entry e = entries.get(i);
            out.append(i == 0 ? ": " : "; ").append(e.file()).append(": ").append(e.reason());
        }
        if (entries.size() > SUMMARY_LIMIT) {
            out.append("; ... and ").append(entries.size() - SUMMARY_LIMIT).append(" more");
        }
        return out.toString();
    }

    /**
     * "source: skipped 2 of 10 samples (a.png: truncated, b.png: image is 8x5 ...)", or "source:
     * skipped 0 of 10 samples";
     * at most {@value #SUMMARY_LIMIT} entries, then ", ... and N more". Unlabelled logs start
     * with "samples".
     */
    public String labelledSummary() {
        StringBuilder out = new StringBuilder(label.isEmpty() ? "samples" : label).append(": skipped ")
                .append(entries.size()).append(" of ").append(seen.size()).append(" samples");
        for (int i = 0; i < entries.size() && i < SUMMARY_LIMIT; i++) {
            Entry e = entries.get(i);
            out.append(i == 0 ? " (" : ", ").append(e.file()).append(": ").append(e.reason());
        }
        if (entries.size() > SUMMARY_LIMIT) {
            out.append(", ... and ").append(entries.size() - SUMMARY_LIMIT).append(" more");
        }
        return entries.isEmpty() ? out.toString() : out.append(')').toString();
    }

    /**
     * The {@link #labelledSummary()} of every log that skipped something, joined with "; ":
     * "source: 2 skipped (...); target val: 1 skipped (...)"; "no samples skipped" if none did.
     */
    public static String summarize(Collection<BadSampleLog> logs) {
        List<String> parts = logs.stream().filter(l -> l.skippedCount() > 0).map(BadSampleLog::labelledSummary).toList();
        return parts.isEmpty() ? "no samples skipped" : String.join("; ", parts);
    }

    /** {@code path} (or any text) with {@code file:} and {@code file://} dropped before absolute paths. */
    static String displayPath(String path) {
        return FILE_SCHEME.matcher(path).replaceAll("");
    }

    private static String reasonOf(BadSampleException problem) {
        String message = problem.getMessage();
        String prefix = problem.file() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
