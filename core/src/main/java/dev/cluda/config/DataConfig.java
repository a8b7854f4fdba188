package dev.cluda.config;

import dev.cluda.data.BadSamplePolicy;

/**
 * {@code data.*}: the source and target datasets, the evaluation split (and its root, when it is
 * not the target's), the bad-sample policy and whether every sample is checked before training starts.
 *
 * @param evalRoot root of the evaluation split; blank = the target's root
 */
public record DataConfig(DatasetConfig source, DatasetConfig target, String evalSplit, String evalRoot,
                         BadSamplePolicy onBadSample, boolean checkAtStart) {

    static DataConfig from(Settings s) {
        return new DataConfig(
                DatasetConfig.from(s, "data.source"),
                DatasetConfig.from(s, "data.target"),
                s.string("data.target.evalSplit"),
                s.string("data.target.evalRoot"),
                s.parsed(BadSamplePolicy.CONFIG_KEY, BadSamplePolicy::parse),
                s.flag("data.checkAtStart"));
    }

    /**
     * The dataset evaluated on: the target's kind, {@link #evalRoot} (or the target's root) and
     * {@link #evalSplit}; a retraining round trains on new target data and keeps this fixed.
     */
    public DatasetConfig evalDataset() {
        return new DatasetConfig(target.type(), evalRoot.isBlank() ? target.root() : evalRoot, evalSplit);
    }
}
