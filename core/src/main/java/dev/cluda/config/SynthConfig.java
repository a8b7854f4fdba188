package dev.cluda.config;

import dev.cluda.synth.SynthSpec;

/** {@code synth.*}: the synthetic benchmark's {@link SynthSpec}. */
final class SynthConfig {

    private SynthConfig() {
    }

    static SynthSpec from(Settings s) {
        try {
            return new SynthSpec(
                    s.longValue("synth.seed", 0),
                    s.integer("synth.sourceImages", 1, 99_999),
                    s.integer("synth.targetTrainImages", 1, 999_999),
                    s.integer("synth.targetValImages", 1, 999_999),
                    s.integer("synth.width", 32, 4096),
                    s.integer("synth.height", 32, 4096),
                    s.number("synth.styleStrength", 0, 1));
        } catch (IllegalArgumentException e) {
            if (e instanceof ConfigError) {
                throw e;
            }
            throw new ConfigError("configuration section 'synth' is invalid: " + e.getMessage(), e);
        }
    }
}
