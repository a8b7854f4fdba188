package dev.cluda.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cluda.data.CityscapesClass;
import dev.cluda.eval.EvalJson;
import dev.cluda.eval.EvalResult;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code summary.json} of a pseudo-label folder, from {@link PseudoLabelStats} (shares and
 * fractions in 0..1, IoUs in percent as in {@code eval.json}; NaN is written as {@code null}):
 * <pre>{"format_version": 1, "images": N, "skipped_images": 0, "pixels": P, "threshold": 0.968,
 *  "mean_confidence": 0.91, "fraction_above_threshold": 0.62,
 *  "classes": {"road": {"pixels": n, "share": 0.35, "mean_confidence": 0.97, "fraction_above_threshold": 0.8}, ...},
 *  "ground_truth": null | {the eval.json object of the labelled images: iter, mIoU, mIoU16, mIoU13,
 *                          pixel_accuracy, classes, num_images}}</pre>
 * {@code classes} lists all 19 Cityscapes classes in train-id order.
 */
final class PseudoLabelSummary {

    /** The version of this layout. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PseudoLabelSummary() {
    }

    /**
     * The evaluation of the pseudo-labels against ground truth (reference §9), or null when no
     * image had ground truth.
     *
     * @param iteration the checkpoint's iteration, reported as {@code iter}
     */
    public static EvalResult groundTruth(PseudoLabelStats stats, long iteration) {
        if (stats.labelledImages() == 0) {
            return null;
        }
        return EvalResult.of((int) iteration, stats.labelledImages(), stats.confusion());
    }

    /**
     * The JSON text.
     *
     * @throws IllegalArgumentException if the statistics are not over the 19 Cityscapes classes
     */
    public static String toJson(PseudoLabelStats stats, long iteration) {
        if (stats.numClasses() != CityscapesClass.COUNT) {
            throw new IllegalArgumentException("summary.json describes the 19 Cityscapes classes, got "
                    + stats.numClasses());
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("images", stats.images());
        root.put("skipped_images", stats.skippedImages());
        root.put("pixels", stats.pixels());
        root.put("threshold", stats.threshold());
        putNumber(root, "mean_confidence", stats.meanConfidence());
        putNumber(root, "fraction_above_threshold", stats.fractionAboveThreshold());
        ObjectNode classes = root.putObject("classes");
        for (CityscapesClass c : CityscapesClass.values()) {
            ObjectNode one = classes.putObject(c.displayName());
            int id = c.trainId();
            one.put("pixels", stats.pixels(id));
            putNumber(one, "share", stats.share(id));
            putNumber(one, "mean_confidence", stats.meanConfidence(id));
            putNumber(one, "fraction_above_threshold", stats.fractionAboveThreshold(id));
        }
        EvalResult gt = groundTruth(stats, iteration);
        try {
            if (gt == null) {
                root.putNull("ground_truth");
            } else {
                root.set("ground_truth", JSON.readTree(EvalJson.toJson(gt)));
            }
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising an in-memory JSON tree cannot fail", e);
        }
    }

    /** Writes {@code <dir>/summary.json} atomically; returns its path. */
    public static String write(FileStore store, String dir, PseudoLabelStats stats, long iteration) throws IOException {
        String path = store.resolve(dir, PseudoLabelManifest.SUMMARY_FILE);
        store.writeAtomically(path, toJson(stats, iteration).getBytes(StandardCharsets.UTF_8));
        return path;
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
