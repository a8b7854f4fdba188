package dev.cluda.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.data.ClassSubset;
import dev.cluda.data.CityscapesClass;
import dev.cluda.error.InvalidFileException;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The run directory's {@code eval.json} (architecture contract):
 * <pre>{"iter": N, "mIoU": 0..100, "mIoU16": .., "mIoU13": .., "pixel_accuracy": ..,
 *  "classes": {"road": 97.1, ...}, "num_images": M}</pre>
 * Keys in that order; {@code classes} maps every {@link CityscapesClass#displayName()} in train-id
 * order to its IoU in percent; NaN values are written as {@code null}. {@code iter} is -1 for
 * offline scoring ({@link EvalResult#OFFLINE_ITER}).
 *
 * <p>Reading needs {@code iter}, {@code mIoU}, {@code classes} (all 19 names) and
 * {@code num_images}; a missing {@code mIoU16} / {@code mIoU13} is recomputed from
 * {@code classes}, a missing {@code pixel_accuracy} reads as NaN. Values are written at full
 * double precision, so a write and read give back an equal {@link EvalResult}.
 */
public final class EvalJson {

    /** The file name in a run directory. */
    public static final String FILE_NAME = "eval.json";

    static final String ITER = "iter";
    static final String MIOU = "mIoU";
    static final String MIOU16 = "mIoU16";
    static final String MIOU13 = "mIoU13";
    static final String PIXEL_ACCURACY = "pixel_accuracy";
    static final String CLASSES = "classes";
    static final String NUM_IMAGES = "num_images";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvalJson() {
    }

    /** The JSON text of {@code result}, pretty-printed. */
    public static String toJson(EvalResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put(ITER, result.iter());
        putPercent(root, MIOU, result.mIoU());
        putPercent(root, MIOU16, result.mIoU16());
        putPercent(root, MIOU13, result.mIoU13());
        putPercent(root, PIXEL_ACCURACY, result.pixelAccuracy());
        ObjectNode classes = root.putObject(CLASSES);
        for (CityscapesClass c : CityscapesClass.values()) {
            putPercent(classes, c.displayName(), result.classIou(c));
        }
        root.put(NUM_IMAGES, result.numImages());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising an in-memory JSON tree cannot fail", e);
        }
    }

    /** Writes {@code result} to {@code path} atomically (temporary file, then rename). */
    public static void write(FileStore store, String path, EvalResult result) throws IOException {
        store.writeAtomically(path, toJson(result).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads {@code path}; errors name the file. */
    public static EvalResult read(FileStore store, String path) throws IOException {
        try (InputStream in = store.open(path)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
        }
    }

    /**
     * Parses eval.json text; {@code source} names it in error messages.
     *
     * @throws IOException naming {@code source} if the text is not JSON, lacks a required key,
     *     names an unknown class or holds a value of the wrong type or range
     */
    public static EvalResult parse(String json, String source) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidFileException(source + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidFileException(source + ": expected a JSON object with keys iter, mIoU, classes, num_images");
        }
        long iter = requiredLong(root, ITER, source);
        if (iter < EvalResult.OFFLINE_ITER || iter > Integer.MAX_VALUE) {
            throw new InvalidFileException(source + ": \"" + ITER + "\" must be an iteration >= 0 or -1 (offline), got " + iter);
        }
        long numImages = requiredLong(root, NUM_IMAGES, source);
        double mIoU = percent(required(root, MIOU, source), MIOU, source);
        double[] classIou = classes(required(root, CLASSES, source), source);
        double mIoU16 = root.has(MIOU16) ? percent(root.get(MIOU16), MIOU16, source)
                : EvalResult.meanOf(classIou, ClassSubset.SYNTHIA_16);
        double mIoU13 = root.has(MIOU13) ? percent(root.get(MIOU13), MIOU13, source)
                : EvalResult.meanOf(classIou, ClassSubset.SYNTHIA_13);
        double pixelAccuracy = root.has(PIXEL_ACCURACY) ? percent(root.get(PIXEL_ACCURACY), PIXEL_ACCURACY, source)
                : Double.NaN;
        try {
            return new EvalResult((int) iter, numImages, classIou, mIoU, mIoU16, mIoU13, pixelAccuracy);
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(source + ": " + e.getMessage(), e);
        }
    }

    private static double[] classes(JsonNode node, String source) throws IOException {
        if (!node.isObject()) {
            throw new InvalidFileException(source + ": \"" + CLASSES + "\" must be an object of class name to IoU");
        }
        Set<String> known = new HashSet<>();
        double[] iou = new double[CityscapesClass.COUNT];
        for (CityscapesClass c : CityscapesClass.values()) {
            known.add(c.displayName());
            JsonNode v = node.get(c.displayName());
            if (v == null) {
                throw new InvalidFileException(source + ": \"" + CLASSES + "\" lacks class \"" + c.displayName()
                        + "\" (all 19 Cityscapes classes are required, null for an absent class)");
            }
            iou[c.trainId()] = percent(v, CLASSES + "." + c.displayName(), source);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidFileException(source + ": unknown class \"" + name + "\" in \"" + CLASSES
                        + "\"; expected Cityscapes display names such as \"traffic light\"");
            }
        }
        return iou;
    }

    private static JsonNode required(JsonNode root, String key, String source) throws IOException {
        JsonNode v = root.get(key);
        if (v == null) {
            throw new InvalidFileException(source + ": missing key \"" + key + "\"");
        }
        return v;
    }

    private static long requiredLong(JsonNode root, String key, String source) throws IOException {
        JsonNode v = required(root, key, source);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidFileException(source + ": \"" + key + "\" must be a whole number, got " + v);
        }
        return v.longValue();
    }

    private static double percent(JsonNode v, String key, String source) throws IOException {
        if (v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new InvalidFileException(source + ": \"" + key + "\" must be a number in 0..100 or null, got " + v);
        }
        return v.doubleValue();
    }

    private static void putPercent(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
