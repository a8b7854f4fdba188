package dev.cluda.config;

import dev.cluda.synth.SynthSpec;
import java.util.Objects;

/**
 * The whole experiment configuration as typed records, validated once when it is built. Commands
 * and the training loop take these records; nothing reads configuration strings further in.
 */
public record CludaConfig(Settings settings, DataConfig data, SynthSpec synth, ModelConfig model, TrainConfig train,
                          UdaConfig uda, ContrastiveConfig contrastive, EvalConfig eval, int ranks) {

    public CludaConfig {
        Objects.requireNonNull(settings, "settings");
    }

    /** Builds and validates every section. */
    public static CludaConfig from(Settings s) {
        return new CludaConfig(s, DataConfig.from(s), SynthConfig.from(s), ModelConfig.from(s), TrainConfig.from(s),
                UdaConfig.from(s), ContrastiveConfig.from(s), EvalConfig.from(s),
                s.integer("distributed.ranks", 1, 4096));
    }

    /** The resolved configuration as HOCON, for {@code config.conf} of a run directory. */
    public String render() {
        return ConfigLoader.render(settings.config());
    }
}
