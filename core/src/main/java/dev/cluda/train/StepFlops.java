package dev.cluda.train;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.HrdaConfig;
import dev.cluda.model.FlopCount;
import dev.cluda.model.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Floating-point operations of one training iteration, from the architecture ({@link FlopCount})
 * and the configured terms: each student pass (source, mixed, masked) as forward + backward (the
 * backward counted as twice the forward, the usual estimate), the EMA teacher's and the frozen
 * feature-distance encoder's forwards, and each contrastive term's N × N similarity (N = batch ×
 * grid², forward + backward). A multi-resolution pass counts its context at {@code hrda.scale}
 * plus its detail crop; the teacher's sliding window is counted as one full-resolution pass over
 * the crop, an approximation.
 *
 * @param parts FLOPs by part, in the order of the step
 */
public record StepFlops(Map<String, Long> parts) {

    /** Backward ≈ 2 × forward: the gradients with respect to inputs and to weights. */
    private static final int FORWARD_AND_BACKWARD = 3;

    public StepFlops {
        parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    public long total() {
        return parts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The iteration {@code config} configures. */
    public static StepFlops of(CludaConfig config) {
        ModelSpec spec = config.model().spec();
        int w = config.train().cropWidth();
        int h = config.train().cropHeight();
        long batch = config.train().batchSize();
        HrdaConfig hrda = config.hrda();
        long studentImage = hrda.enabled()
                ? FlopCount.forward(spec, (int) Math.round(w * hrda.scale()), (int) Math.round(h * hrda.scale()))
                        + FlopCount.forward(spec, hrda.detailCrop().width(), hrda.detailCrop().height())
                : FlopCount.forward(spec, w, h);
        long pass = FORWARD_AND_BACKWARD * batch * studentImage;
        long contrast = contrastive(batch, config.contrastive().grid(), spec.fusedWidth());
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("source pass", pass);
        if (config.contrastive().source()) {
            parts.put("source contrast", contrast);
        }
        if (config.uda().fdEnabled()) {
            parts.put("feature distance encoder", batch * FlopCount.encoder(spec.encoder(), w, h));
        }
        if (config.uda().enabled()) {
            if (!config.uda().hasPrecomputedPseudoLabels()) {
                long teacherImage = hrda.enabled()
                        ? FlopCount.forward(spec, (int) Math.round(w * hrda.scale()), (int) Math.round(h * hrda.scale()))
                                + FlopCount.forward(spec, w, h)
                        : FlopCount.forward(spec, w, h);
                parts.put("teacher", batch * teacherImage);
            }
            parts.put("mixed pass", pass);
            if (config.contrastive().mixed()) {
                parts.put("mixed contrast", contrast);
            }
            if (config.mic().enabled()) {
                parts.put("masked pass", pass);
                if (config.mic().contrastive() && config.contrastive().mixed()) {
                    parts.put("masked contrast", contrast);
                }
            }
        }
        return new StepFlops(parts);
    }

    /** N × N cosine similarities of F-wide features, forward and backward (N = batch × grid²). */
    static long contrastive(long batch, int grid, int featureWidth) {
        long n = batch * grid * grid;
        return FORWARD_AND_BACKWARD * 2 * n * n * featureWidth;
    }
}
