package dev.cluda.jobs;

import dev.cluda.data.LabelMap;
import java.util.Objects;

/**
 * A teacher's pseudo-label for one image (reference §2.2): the arg-max train id and the maximum
 * softmax probability of every pixel, at the image's size, height-major ({@code y * width + x}).
 */
record PseudoLabel(LabelMap trainIds, float[] confidence) {

    /** The 8-bit quantisation of a probability: {@code round(p · 255)}. */
    public static final int CONFIDENCE_SCALE = 255;

    public PseudoLabel {
        Objects.requireNonNull(trainIds, "trainIds");
        Objects.requireNonNull(confidence, "confidence");
        if (confidence.length != trainIds.ids().length) {
            throw new IllegalArgumentException("confidence holds " + confidence.length + " values but the label map "
                    + trainIds.width() + "x" + trainIds.height() + " has " + trainIds.ids().length + " pixels");
        }
    }

    /** {@code round(p · 255)} clamped to 0..255, the value of the confidence PNG. */
    public static int quantize(float p) {
        return Math.max(0, Math.min(CONFIDENCE_SCALE, Math.round(p * CONFIDENCE_SCALE)));
    }

    /** The confidence map quantised to 8 bits ({@link #quantize}), as written to {@code <id>_conf.png}. */
    public LabelMap quantizedConfidence() {
        byte[] q = new byte[confidence.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) quantize(confidence[i]);
        }
        return new LabelMap(trainIds.width(), trainIds.height(), q);
    }
}
