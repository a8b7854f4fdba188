package dev.cluda.config;

import dev.cluda.data.BadSamplePolicy;

/**
 * {@code data.*}: the source and target datasets, the evaluation split, the bad-sample policy and
 * whether every sample is checked before training starts.
 */
public record DataConfig(DatasetConfig source, DatasetConfig target, String evalSplit, BadSamplePolicy onBadSample,
                         boolean checkAtStart) {

    static DataConfig from(Settings s) {
        return new DataConfig(
                DatasetConfig.from(s, "data.source"),
                DatasetConfig.from(s, "data.target"),
                s.string("data.target.evalSplit"),
                s.parsed(BadSamplePolicy.CONFIG_KEY, BadSamplePolicy::parse),
                s.flag("data.checkAtStart"));
    }
}
