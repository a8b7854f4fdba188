package dev.cluda.uda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.data.BadSampleException;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.error.InvalidFileException;
import dev.cluda.io.FileStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * Pseudo-labels written by {@code cluda pseudo-labels} ({@code uda.pseudoLabels = precomputed}):
 * per target image {@code <id>_pseudo.png} (8-bit train ids) and {@code <id>_conf.png} (the
 * teacher's max softmax probability quantised as round(p · 255)), described by
 * {@code pseudo_labels.json}. Used for round-based retraining and for labels that are expensive to
 * compute online (HRDA's sliding window).
 */
public final class PrecomputedPseudoLabels {

    /** The manifest the job writes next to the maps. */
    public static final String MANIFEST = "pseudo_labels.json";

    private final FileStore store;
    private final String dir;

    private PrecomputedPseudoLabels(FileStore store, String dir) {
        this.store = store;
        this.dir = dir;
    }

    /**
     * Opens a pseudo-label folder.
     *
     * @throws IOException naming the folder if it has no manifest (not written by cluda pseudo-labels)
     */
    public static PrecomputedPseudoLabels open(FileStore store, String dir) throws IOException {
        String manifest = store.resolve(dir, MANIFEST);
        if (!store.exists(manifest)) {
            throw new InvalidFileException(dir + " holds no " + MANIFEST + "; write it with cluda pseudo-labels"
                    + " or set uda.pseudoLabels = online");
        }
        try (InputStream in = store.open(manifest)) {
            JsonNode node = new ObjectMapper().readTree(in);
            if (node == null || !node.isObject()) {
                throw new InvalidFileException(manifest + ": not a JSON object");
            }
        }
        return new PrecomputedPseudoLabels(store, dir);
    }

    /** One image's stored pseudo-label. */
    public record Entry(LabelMap labels, float[] confidence) {
    }

    /** The stored pseudo-label and confidence of target sample {@code id}, at the image's size. */
    public Entry read(String id) throws IOException {
        String labelFile = store.resolve(dir, id + "_pseudo.png");
        String confFile = store.resolve(dir, id + "_conf.png");
        if (!store.exists(labelFile) || !store.exists(confFile)) {
            throw new BadSampleException(labelFile, "no precomputed pseudo-label for target image " + id
                    + " (expected " + labelFile + " and " + confFile + ")");
        }
        LabelMap labels;
        LabelMap conf;
        try (InputStream in = store.open(labelFile)) {
            labels = PngCodec.readLabel8(in, labelFile);
        }
        try (InputStream in = store.open(confFile)) {
            conf = PngCodec.readLabel8(in, confFile);
        }
        if (conf.width() != labels.width() || conf.height() != labels.height()) {
            throw new BadSampleException(confFile, "is " + conf.width() + "x" + conf.height() + " but "
                    + labelFile + " is " + labels.width() + "x" + labels.height());
        }
        byte[] q = conf.ids();
        float[] confidence = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            confidence[i] = (q[i] & 0xFF) / 255f;
        }
        return new Entry(labels, confidence);
    }
}
