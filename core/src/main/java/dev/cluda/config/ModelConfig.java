package dev.cluda.config;

import dev.cluda.data.CityscapesClass;
import dev.cluda.model.ModelSpec;
import java.util.regex.Pattern;

/**
 * {@code model.*}: the network to build, the encoder weights to start from (reference §6), and
 * the checkpoint whose student weights initialise a run ({@code model.init}).
 */
public record ModelConfig(ModelSpec spec, String pretrained, String init) {

    /** The file name {@code CheckpointStore} gives a checkpoint. */
    private static final Pattern CHECKPOINT_FILE = Pattern.compile("iter_\\d+\\.ckpt");
    /** Encoder weight files belong to model.pretrained, not model.init. */
    private static final Pattern WEIGHT_FILE = Pattern.compile(".*\\.(safetensors|npz|pth|pt|bin)");

    public ModelConfig {
        init = init == null ? "" : init;
    }

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
        String pretrained = s.string("model.pretrained");
        String init = s.string("model.init").trim();
        if (!init.isEmpty()) {
            String name = lastSegment(init);
            if (WEIGHT_FILE.matcher(name).matches()) {
                throw s.error("model.init", "names an encoder weight file (" + name + "); that is model.pretrained."
                        + " model.init takes a run directory or one of its checkpoints/iter_*.ckpt");
            }
            if (name.endsWith(".ckpt") && !CHECKPOINT_FILE.matcher(name).matches()) {
                throw s.error("model.init", "names " + name + ", which is not a cluda checkpoint file name"
                        + " (iter_NNNNNNNN.ckpt); give the file or its run directory");
            }
            if (!pretrained.isBlank()) {
                // the checkpoint overwrites every weight, so the imported encoder would be silently lost
                throw s.error("model.init", "and model.pretrained are both set; model.init replaces every weight,"
                        + " so set only one of them");
            }
        }
        return new ModelConfig(spec, pretrained, init);
    }

    public boolean hasPretrained() {
        return !pretrained.isBlank();
    }

    /** True when {@code model.init} names a run directory or checkpoint to start from. */
    public boolean hasInit() {
        return !init.isBlank();
    }

    /** True when {@code model.init} names a checkpoint file rather than a run directory. */
    public boolean initIsCheckpointFile() {
        return CHECKPOINT_FILE.matcher(lastSegment(init)).matches();
    }

    private static String lastSegment(String path) {
        String p = path;
        while (p.length() > 1 && (p.endsWith("/") || p.endsWith("\\"))) {
            p = p.substring(0, p.length() - 1);
        }
        int cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
        return cut < 0 ? p : p.substring(cut + 1);
    }
}
