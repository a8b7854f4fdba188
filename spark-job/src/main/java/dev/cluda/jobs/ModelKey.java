package dev.cluda.jobs;

import dev.cluda.model.ModelSpec;
import java.io.Serializable;
import java.util.Objects;

/**
 * What an executor loads: one network ({@code weights}) of one checkpoint file, built as the
 * given {@link ModelSpec}. Serializable (unlike {@link ModelSpec}), so Spark closures carry it;
 * the key of {@link ExecutorModels}.
 *
 * @param checkpoint the {@code iter_*.ckpt} file (a resolved file, never a run directory, so every
 *     executor loads the same iteration even while training writes newer ones)
 */
record ModelKey(String checkpoint, CheckpointWeights weights, String encoder, int embedWidth, int fusedWidth,
                       int numClasses, double dropPathRate, boolean scaleAttention, int attentionEmbedWidth,
                       boolean featureWeightHead) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ModelKey {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(weights, "weights");
        new ModelSpec(encoder, embedWidth, fusedWidth, numClasses, dropPathRate, scaleAttention, attentionEmbedWidth,
                featureWeightHead); // validates
    }

    /** A key of a single-resolution model (no HRDA heads). */
    ModelKey(String checkpoint, CheckpointWeights weights, String encoder, int embedWidth, int fusedWidth,
             int numClasses, double dropPathRate) {
        this(checkpoint, weights, encoder, embedWidth, fusedWidth, numClasses, dropPathRate, false,
                ModelSpec.DEFAULT_ATTENTION_EMBED_WIDTH, false);
    }

    /** The key of {@code weights} of {@code checkpoint} for a model built as {@code spec}. */
    public static ModelKey of(String checkpoint, CheckpointWeights weights, ModelSpec spec) {
        return new ModelKey(checkpoint, weights, spec.encoder(), spec.embedWidth(), spec.fusedWidth(),
                spec.numClasses(), spec.dropPathRate(), spec.scaleAttention(), spec.attentionEmbedWidth(),
                spec.featureWeightHead());
    }

    /** The network to build, HRDA's heads included when the checkpoint has them. */
    public ModelSpec spec() {
        return new ModelSpec(encoder, embedWidth, fusedWidth, numClasses, dropPathRate, scaleAttention,
                attentionEmbedWidth, featureWeightHead);
    }
}
