package dev.cluda.config;

import dev.cluda.data.BadSamplePolicy;

/** {@code data.*}: the source and target datasets, the evaluation split and the bad-sample policy. */
public record DataConfig(DatasetConfig source, DatasetConfig target, String evalSplit, BadSamplePolicy onBadSample) {

    static DataConfig from(Settings s) {
        return new DataConfig(
                DatasetConfig.from(s, "data.source"),
                DatasetConfig.from(s, "data.target"),
                s.string("data.target.evalSplit"),
                s.parsed(BadSamplePolicy.CONFIG_KEY, BadSamplePolicy::parse));
    }
}
