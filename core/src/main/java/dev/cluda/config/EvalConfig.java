package dev.cluda.config;

/**
 * {@code eval.*}: how often training evaluates, and the whole-image inference size (reference §9).
 *
 * @param size {width, height} the images are resized to for inference, or null for their own size
 * @param pseudoLabelImages target-train images on which teacher and student are scored at each
 *     evaluation (pseudo-label quality); 0 = off
 */
public record EvalConfig(int interval, int[] size, int pseudoLabelImages) {

    static EvalConfig from(Settings s) {
        int[] size = TrainConfig.scale(s, "eval.size");
        if (size != null && (size[0] % 32 != 0 || size[1] % 32 != 0)) {
            throw s.error("eval.size", "must be multiples of 32 (the encoder's stride), got ["
                    + size[0] + ", " + size[1] + "]");
        }
        return new EvalConfig(s.integer("eval.interval", 1, Integer.MAX_VALUE), size,
                s.integer("eval.pseudoLabelImages", 0, Integer.MAX_VALUE));
    }
}
