package dev.cluda.config;

/**
 * {@code uda.*}: the DACS/DAFormer self-training switches and hyper-parameters (reference §2-§4).
 */
public record UdaConfig(boolean enabled, double emaAlpha, double pseudoThreshold, String precomputedPseudoLabels,
                        boolean teacherBatchStats,
                        int marginTop, int marginBottom, int marginLeft, int marginRight,
                        double colorJitterStrength, double colorJitterProbability, boolean blur,
                        boolean rcsEnabled, double rcsTemperature, int rcsMinPixels, double rcsMinCropRatio,
                        boolean fdEnabled, double fdLambda, double fdMinRatio) {

    /** Where stored pseudo-labels are read from, or null for the online teacher. */
    private static String precomputedDir(Settings s) {
        String mode = s.choice("uda.pseudoLabels", java.util.List.of("online", "precomputed"));
        String dir = s.string("uda.pseudoLabelDir");
        if (mode.equals("online")) {
            return null;
        }
        if (dir.isBlank()) {
            throw s.error("uda.pseudoLabelDir", "must name the folder cluda pseudo-labels wrote when"
                    + " uda.pseudoLabels = precomputed");
        }
        return dir;
    }

    public boolean hasPrecomputedPseudoLabels() {
        return precomputedPseudoLabels != null;
    }

    static UdaConfig from(Settings s) {
        return new UdaConfig(
                s.flag("uda.enabled"),
                s.number("uda.emaAlpha", 0, 1),
                s.number("uda.pseudoThreshold", 0, 1),
                precomputedDir(s),
                s.flag("uda.teacherBatchStats"),
                s.integer("uda.pseudoMargins.top", 0, 100_000),
                s.integer("uda.pseudoMargins.bottom", 0, 100_000),
                s.integer("uda.pseudoMargins.left", 0, 100_000),
                s.integer("uda.pseudoMargins.right", 0, 100_000),
                s.number("uda.colorJitterStrength", 0, 1),
                s.number("uda.colorJitterProbability", 0, 1),
                s.flag("uda.blur"),
                s.flag("uda.rcs.enabled"),
                s.number("uda.rcs.temperature", 1e-6, 1e6),
                s.integer("uda.rcs.minPixels", 0, Integer.MAX_VALUE),
                s.number("uda.rcs.minCropRatio", 0, 1e6),
                s.flag("uda.fd.enabled"),
                s.number("uda.fd.lambda", 0, 1e6),
                s.number("uda.fd.minRatio", 0, 1));
    }
}
