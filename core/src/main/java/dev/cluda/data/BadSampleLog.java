package dev.cluda.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The record of a {@link BadSamplePolicy#SKIP} run: how many distinct samples were seen and
 * which were skipped, with file and reason. One per loader; not thread-safe.
 */
public final class BadSampleLog {

    /** One skipped sample: the offending file and the problem, without the file name prefix. */
    public record Entry(String file, String reason) {
    }

    /** Entries listed in {@link #summary()} before it abbreviates. */
    static final int SUMMARY_LIMIT = 20;

    private final Set<String> seen = new HashSet<>();
    private final Set<String> skippedIds = new HashSet<>();
    private final List<Entry> entries = new ArrayList<>();

    /** Counts sample {@code id} as seen (counted once however often it is seen). */
    public void seen(String id) {
        seen.add(id);
    }

    /** Records that sample {@code id} was skipped because of {@code problem}. */
    public void skipped(String id, BadSampleException problem) {
        seen.add(id);
        if (skippedIds.add(id)) {
            entries.add(new Entry(problem.file(), reasonOf(problem)));
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

    private static String reasonOf(BadSampleException problem) {
        String message = problem.getMessage();
        String prefix = problem.file() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
