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
                       int numClasses, double dropPathRate) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ModelKey {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(weights, "weights");
        spec(encoder, embedWidth, fusedWidth, numClasses, dropPathRate); // validates
    }

    /** The key of {@code weights} of {@code checkpoint} for a model built as {@code spec}. */
    public static ModelKey of(String checkpoint, CheckpointWeights weights, ModelSpec spec) {
        return new ModelKey(checkpoint, weights, spec.encoder(), spec.embedWidth(), spec.fusedWidth(),
                spec.numClasses(), spec.dropPathRate());
    }

    /** The network to build. */
    public ModelSpec spec() {
        return spec(encoder, embedWidth, fusedWidth, numClasses, dropPathRate);
    }

    private static ModelSpec spec(String encoder, int embedWidth, int fusedWidth, int numClasses, double dropPath) {
        return new ModelSpec(encoder, embedWidth, fusedWidth, numClasses, dropPath);
    }
}
