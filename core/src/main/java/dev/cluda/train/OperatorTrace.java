package dev.cluda.train;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * libtorch's autograd profiler around a stretch of training: every operator the engine runs,
 * forward and backward, with its input shapes, written as a Chrome trace ({@code chrome://tracing},
 * Perfetto). The step's own {@code --profile} says which phase is slow; this says which operator.
 */
public final class OperatorTrace {

    /** One operator's share: calls and self time (its duration less the operators it called). */
    public record Operator(String name, long calls, double selfMs) {
    }

    private OperatorTrace() {
    }

    static void start() {
        JniUtils.startProfile(false, true, false);
    }

    /** Stops recording and writes the trace to {@code file}, creating its folder. */
    static void stop(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JniUtils.stopProfile(file.toAbsolutePath().toString());
    }

    /**
     * The operators of a Chrome trace by self time, largest first: complete events ({@code "ph": "X"})
     * nested by time on each thread, each event's duration less its children's.
     *
     * @throws IOException if the file cannot be read or is not a JSON array of trace events
     */
    public static List<Operator> bySelfTime(Path trace) throws IOException {
        Map<Object, List<double[]>> spans = new HashMap<>(); // thread -> (start, duration, name id)
        List<String> names = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = Files.newInputStream(trace); JsonParser p = json.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException(trace + ": expected a JSON array of trace events");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                JsonNode e = json.readTree(p);
                if (!"X".equals(e.path("ph").asText()) || !e.has("name")) {
                    continue;
                }
                int id = ids.computeIfAbsent(e.get("name").asText(), n -> {
                    names.add(n);
                    return names.size() - 1;
                });
                spans.computeIfAbsent(e.path("pid").asText() + "/" + e.path("tid").asText(), t -> new ArrayList<>())
                        .add(new double[] {e.path("ts").asDouble(), e.path("dur").asDouble(), id});
            }
        }
        double[] self = new double[names.size()];
        long[] calls = new long[names.size()];
        for (List<double[]> thread : spans.values()) {
            thread.sort(Comparator.<double[]>comparingDouble(s -> s[0]).thenComparingDouble(s -> -s[1]));
            Deque<double[]> open = new ArrayDeque<>();
            for (double[] s : thread) {
                while (!open.isEmpty() && open.peek()[0] + open.peek()[1] <= s[0]) {
                    open.pop();
                }
                int id = (int) s[2];
                self[id] += s[1];
                calls[id]++;
                if (!open.isEmpty()) {
                    self[(int) open.peek()[2]] -= s[1];
                }
                open.push(s);
            }
        }
        List<Operator> result = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            result.add(new Operator(names.get(i), calls[i], self[i] / 1e3));
        }
        result.sort(Comparator.comparingDouble(Operator::selfMs).reversed());
        return result;
    }
}
