package dev.cluda.uda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.data.CityscapesClass;
import dev.cluda.error.InvalidFileException;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three rare-class-sampling files DAFormer's conversion scripts write to a data set root
 * (reference §3; DAF {@code tools/convert_datasets/gta.py::save_class_stats}), same key layout:
 *
 * <ul>
 *   <li>{@value #SAMPLE_CLASS_STATS}: {@code [{"<trainId>": count, …, "file": path}, …]}, one
 *       object per image, classes with count &gt; 0 only, ascending train id, "file" last;</li>
 *   <li>{@value #SAMPLE_CLASS_STATS_DICT}: {@code {path: {"<trainId>": count, …}, …}};</li>
 *   <li>{@value #SAMPLES_WITH_CLASS}: {@code {"<trainId>": [[path, count], …], …}}, keys in
 *       order of first appearance, files in statistics order.</li>
 * </ul>
 *
 * {@link #read} parses {@value #SAMPLE_CLASS_STATS}, from which the other two follow.
 */
public final class ClassStatisticsFiles {

    public static final String SAMPLE_CLASS_STATS = "sample_class_stats.json";
    public static final String SAMPLE_CLASS_STATS_DICT = "sample_class_stats_dict.json";
    public static final String SAMPLES_WITH_CLASS = "samples_with_class.json";
    /**
     * The Parquet table of per-image counts {@code cluda stats} writes beside the three files
     * (not read or written here: Parquet needs Spark).
     */
    public static final String COUNTS_TABLE = "sample_class_counts.parquet";

    private static final String FILE_KEY = "file";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClassStatisticsFiles() {
    }

    /** Writes the three files into {@code dir}, each atomically. */
    public static void write(FileStore store, String dir, ClassStatistics stats) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        ObjectNode dict = JSON.createObjectNode();
        Map<Integer, ArrayNode> withClass = new LinkedHashMap<>();
        for (ImageClassCounts img : stats.images()) {
            ObjectNode counts = JSON.createObjectNode();
            for (int c = 0; c < CityscapesClass.COUNT; c++) {
                long n = img.count(c);
                if (n > 0) {
                    counts.put(Integer.toString(c), n);
                    withClass.computeIfAbsent(c, k -> JSON.createArrayNode())
                            .add(JSON.createArrayNode().add(img.file()).add(n));
                }
            }
            ObjectNode entry = counts.deepCopy();
            entry.put(FILE_KEY, img.file());
            list.add(entry);
            dict.set(img.file(), counts);
        }
        ObjectNode samples = JSON.createObjectNode();
        withClass.forEach((c, files) -> samples.set(Integer.toString(c), files));
        store.writeAtomically(store.resolve(dir, SAMPLE_CLASS_STATS), JSON.writeValueAsBytes(list));
        store.writeAtomically(store.resolve(dir, SAMPLE_CLASS_STATS_DICT), JSON.writeValueAsBytes(dict));
        store.writeAtomically(store.resolve(dir, SAMPLES_WITH_CLASS), JSON.writeValueAsBytes(samples));
    }

    /**
     * Reads {@value #SAMPLE_CLASS_STATS} from {@code dir}.
     *
     * @throws IOException if the file is missing or not in the layout above (the message names it)
     */
    public static ClassStatistics read(FileStore store, String dir) throws IOException {
        String path = store.resolve(dir, SAMPLE_CLASS_STATS);
        if (!store.exists(path)) {
            throw new InvalidFileException("RCS statistics not found: " + path + "; compute them first (the DAFormer "
                    + "conversion scripts write " + SAMPLE_CLASS_STATS + ")");
        }
        JsonNode root;
        try (InputStream in = store.open(path)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new InvalidFileException("cannot parse " + path + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new InvalidFileException(path + " must hold a JSON list of per-image objects");
        }
        List<ImageClassCounts> images = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            images.add(parseEntry(root.get(i), path, i));
        }
        try {
            return ClassStatistics.of(images);
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(path + ": " + e.getMessage(), e);
        }
    }

    private static ImageClassCounts parseEntry(JsonNode entry, String path, int index) throws IOException {
        String where = path + " entry " + index;
        if (!entry.isObject() || !entry.path(FILE_KEY).isTextual()) {
            throw new InvalidFileException(where + " must be an object with a string \"" + FILE_KEY + "\"");
        }
        long[] counts = new long[CityscapesClass.COUNT];
        Iterator<Map.Entry<String, JsonNode>> fields = entry.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals(FILE_KEY)) {
                continue;
            }
            int c;
            try {
                c = Integer.parseInt(f.getKey());
            } catch (NumberFormatException e) {
                throw new InvalidFileException(where + ": key \"" + f.getKey() + "\" is neither a train id nor \"file\"", e);
            }
            if (c < 0 || c >= CityscapesClass.COUNT || !f.getValue().isIntegralNumber()
                    || !f.getValue().canConvertToLong()
                    || f.getValue().asLong() < 0) {
                throw new InvalidFileException(where + ": \"" + f.getKey() + "\": " + f.getValue()
                        + " must be a train id 0..18 with a non-negative integer count");
            }
            counts[c] = f.getValue().asLong();
        }
        return new ImageClassCounts(entry.get(FILE_KEY).asText(), counts);
    }
}
