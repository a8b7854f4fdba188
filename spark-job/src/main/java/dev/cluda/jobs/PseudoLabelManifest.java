package dev.cluda.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.error.InvalidFileException;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code pseudo_labels.json}, the spec of a pseudo-label folder written by {@code cluda pseudo-labels},
 * so that training ({@code uda.pseudoLabels = precomputed}) can check what it reads:
 * <pre>{"format_version": 1, "checkpoint": ".../checkpoints/iter_00004000.ckpt", "iteration": 4000,
 *  "weights": "teacher", "threshold": 0.968, "batch_norm": "running_statistics",
 *  "inference_size": null | [W, H], "dataset": {"type": "cityscapes", "root": "...", "split": "train"},
 *  "num_classes": 19, "images": 2975, "label_file": "{id}_pseudo.png", "confidence_file": "{id}_conf.png",
 *  "confidence_scale": 255, "summary": "summary.json"}</pre>
 * The folder holds, per image id, {@code <id>_pseudo.png} (8-bit gray train ids at the image's
 * size) and {@code <id>_conf.png} (8-bit gray, {@code round(p · 255)} of the maximum softmax
 * probability). The job writes this file last: its presence means the folder is complete.
 *
 * @param inferenceWidth width the images were resized to for inference, 0 for their own size
 * @param inferenceHeight height likewise, 0 for their own size
 * @param datasetType the layout read ({@code gta5 | synthia | cityscapes})
 */
public record PseudoLabelManifest(int formatVersion, String checkpoint, long iteration, String weights,
                                  double threshold, int inferenceWidth, int inferenceHeight, String datasetType,
                                  String datasetRoot, String split, int numClasses, long images) {

    /** The file name inside the pseudo-label folder. */
    public static final String FILE_NAME = "pseudo_labels.json";
    /** The statistics file beside it. */
    public static final String SUMMARY_FILE = "summary.json";
    /** The version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Suffix of the train-id PNG of an image id. */
    public static final String LABEL_SUFFIX = "_pseudo.png";
    /** Suffix of the confidence PNG of an image id. */
    public static final String CONFIDENCE_SUFFIX = "_conf.png";
    /** How the inference ran: BatchNorm on running statistics (see {@link ImageLabeler}). */
    public static final String BATCH_NORM = "running_statistics";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public PseudoLabelManifest {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(datasetType, "datasetType");
        Objects.requireNonNull(datasetRoot, "datasetRoot");
        Objects.requireNonNull(split, "split");
        if ((inferenceWidth == 0) != (inferenceHeight == 0) || inferenceWidth < 0 || inferenceHeight < 0) {
            throw new IllegalArgumentException("inference size must be both 0 (image size) or both positive, got "
                    + inferenceWidth + "x" + inferenceHeight);
        }
    }

    /** {@code <id>_pseudo.png}. */
    public static String labelFile(String id) {
        return id + LABEL_SUFFIX;
    }

    /** {@code <id>_conf.png}. */
    public static String confidenceFile(String id) {
        return id + CONFIDENCE_SUFFIX;
    }

    /** The JSON text, pretty-printed, keys in the order of the class comment. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", formatVersion);
        root.put("checkpoint", checkpoint);
        root.put("iteration", iteration);
        root.put("weights", weights);
        root.put("threshold", threshold);
        root.put("batch_norm", BATCH_NORM);
        if (inferenceWidth == 0) {
            root.putNull("inference_size");
        } else {
            root.putArray("inference_size").add(inferenceWidth).add(inferenceHeight);
        }
        ObjectNode dataset = root.putObject("dataset");
        dataset.put("type", datasetType);
        dataset.put("root", datasetRoot);
        dataset.put("split", split);
        root.put("num_classes", numClasses);
        root.put("images", images);
        root.put("label_file", "{id}" + LABEL_SUFFIX);
        root.put("confidence_file", "{id}" + CONFIDENCE_SUFFIX);
        root.put("confidence_scale", PseudoLabel.CONFIDENCE_SCALE);
        root.put("summary", SUMMARY_FILE);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising an in-memory JSON tree cannot fail", e);
        }
    }

    /** Writes {@code <dir>/pseudo_labels.json} atomically. */
    public void write(FileStore store, String dir) throws IOException {
        store.writeAtomically(store.resolve(dir, FILE_NAME), toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads {@code <dir>/pseudo_labels.json}.
     *
     * @throws java.io.FileNotFoundException naming the file if the folder has none (an incomplete or foreign folder)
     * @throws IOException naming the file if it is not a version-1 manifest
     */
    public static PseudoLabelManifest read(FileStore store, String dir) throws IOException {
        String path = store.resolve(dir, FILE_NAME);
        if (!store.exists(path)) {
            throw new java.io.FileNotFoundException(path + " not found: " + dir + " is not a complete pseudo-label "
                    + "folder; run cluda pseudo-labels --out " + dir);
        }
        try (InputStream in = store.open(path)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
        }
    }

    /** Parses manifest text; {@code source} names it in error messages. */
    public static PseudoLabelManifest parse(String json, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidFileException(source + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidFileException(source + ": expected a JSON object");
        }
        int version = (int) whole(root, "format_version", source);
        if (version != FORMAT_VERSION) {
            throw new InvalidFileException(source + ": format_version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + "); recompute the pseudo-labels with this build");
        }
        JsonNode size = required(root, "inference_size", source);
        int w = 0;
        int h = 0;
        if (!size.isNull()) {
            if (!size.isArray() || size.size() != 2 || !size.get(0).isInt() || !size.get(1).isInt()) {
                throw new InvalidFileException(source + ": inference_size must be null or [width, height], got " + size);
            }
            w = size.get(0).asInt();
            h = size.get(1).asInt();
        }
        JsonNode dataset = required(root, "dataset", source);
        JsonNode threshold = required(root, "threshold", source);
        if (!threshold.isNumber()) {
            throw new InvalidFileException(source + ": threshold must be a number, got " + threshold);
        }
        try {
            return new PseudoLabelManifest(version, text(root, "checkpoint", source), whole(root, "iteration", source),
                    text(root, "weights", source), threshold.asDouble(), w, h, text(dataset, "type", source),
                    text(dataset, "root", source), text(dataset, "split", source),
                    (int) whole(root, "num_classes", source), whole(root, "images", source));
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(source + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String key, String source) throws IOException {
        JsonNode v = node.get(key);
        if (v == null) {
            throw new InvalidFileException(source + ": missing key \"" + key + "\"");
        }
        return v;
    }

    private static String text(JsonNode node, String key, String source) throws IOException {
        JsonNode v = required(node, key, source);
        if (!v.isTextual()) {
            throw new InvalidFileException(source + ": \"" + key + "\" must be a string, got " + v);
        }
        return v.asText();
    }

    private static long whole(JsonNode node, String key, String source) throws IOException {
        JsonNode v = required(node, key, source);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidFileException(source + ": \"" + key + "\" must be a whole number, got " + v);
        }
        return v.longValue();
    }
}
