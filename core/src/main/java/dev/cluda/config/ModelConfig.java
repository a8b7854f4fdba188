package dev.cluda.config;

import dev.cluda.data.CityscapesClass;
import dev.cluda.model.ModelSpec;

/** {@code model.*}: the network to build and the encoder weights to start from (reference §6). */
public record ModelConfig(ModelSpec spec, String pretrained) {

    static ModelConfig from(Settings s) {
        String encoder = s.string("model.encoder");
        int embed = s.integer("model.embedDim", 1, 4096);
        int fused = s.integer("model.fusedDim", 1, 4096);
        double dropPath = s.number("model.dropPathRate", 0, 0.999);
        ModelSpec spec;
        try {
            spec = new ModelSpec(encoder, embed, fused, CityscapesClass.COUNT, dropPath);
        } catch (IllegalArgumentException e) {
            throw s.error("model.encoder", e.getMessage());
        }
        return new ModelConfig(spec, s.string("model.pretrained"));
    }

    public boolean hasPretrained() {
        return !pretrained.isBlank();
    }
}
