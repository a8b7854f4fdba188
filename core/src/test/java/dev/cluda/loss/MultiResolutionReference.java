package dev.cluda.loss;

import dev.cluda.data.CityscapesClass;
import java.util.ArrayList;
import java.util.List;

/**
 * Straightforward double-precision loop over the multi-resolution definition of reference §5.4
 * (eq. 7, with the §13 decisions and the three quirk switches), independent of the NDArray
 * implementation: P(i), N(i), P^H(i), N^H(i) are built pair by pair and every ℓ is evaluated
 * literally.
 */
final class MultiResolutionReference {

    /** The three §5.4 quirk switches. */
    record Quirks(boolean cropIndicatorExcludesRoad, boolean outOfCropHrFeaturesCount, boolean lrHrDiagonalExcluded) {
    }

    private MultiResolutionReference() {
    }

    /**
     * @param f    LR features per pixel in flat order (image, row, column), {@code [n][D]}
     * @param g    HR canvas features per pixel, same order
     * @param y    labels, 255 = ignore
     * @param crop crop mask per pixel
     * @param w    learned weights per pixel
     * @param pi   confidences or null for 1
     * @param dom  domains (0 source, 1 target) or null
     */
    static double loss(double[][] f, double[][] g, int[] y, boolean[] crop, double[] w, double[] pi, int[] dom,
                       PixelContrastiveLoss.PairSet pairSet, boolean separate, double tau, Quirks quirks) {
        boolean[] thing = CityscapesClass.thingMask();
        int n = y.length;
        List<Integer> anchors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (participates(i, y, dom, pairSet)) {
                anchors.add(i);
            }
        }
        if (anchors.isEmpty()) {
            return 0;
        }
        double total = 0;
        for (int i : anchors) {
            double m = crop[i] && !(quirks.cropIndicatorExcludesRoad() && y[i] == 0) ? 1 : 0;
            List<Integer> pos = new ArrayList<>();
            List<Integer> neg = new ArrayList<>();
            List<Integer> posH = new ArrayList<>();
            List<Integer> negH = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (!participates(j, y, dom, pairSet)) {
                    continue;
                }
                if (separate && thing[y[i]] != thing[y[j]]) {
                    continue;
                }
                if (pairSet == PixelContrastiveLoss.PairSet.SAME_DOMAIN && dom[i] != dom[j]) {
                    continue;
                }
                boolean hrPresent = quirks.outOfCropHrFeaturesCount() || crop[j];
                if (y[j] == y[i]) {
                    if (j != i) {
                        pos.add(j);
                    }
                    if (hrPresent && (j != i || !quirks.lrHrDiagonalExcluded())) {
                        posH.add(j);
                    }
                } else {
                    neg.add(j);
                    if (hrPresent) {
                        negH.add(j);
                    }
                }
            }
            double negSum = 0;
            for (int k : neg) {
                negSum += Math.exp(dot(f[i], f[k]) / tau);
            }
            double negSumH = 0;
            for (int k : negH) {
                negSumH += Math.exp(dot(f[i], g[k]) / tau);
            }
            double lowRes = 0;
            for (int j : pos) {
                double s = dot(f[i], f[j]) / tau;
                double l = s - Math.log(Math.exp(s) + negSum);
                double a = w[i] * w[j] * m;
                lowRes += rho(pi, i, j) * a * l;
            }
            double cross = 0;
            for (int j : posH) {
                double t = dot(f[i], g[j]) / tau;
                double l = t - Math.log(Math.exp(t) + negSumH);
                double a = w[i] * w[j] * m;
                cross += rho(pi, i, j) * (1 - a) * l;
            }
            total += lowRes / Math.max(pos.size(), 1) + cross / Math.max(posH.size(), 1);
        }
        return -total / (2.0 * anchors.size());
    }

    private static double rho(double[] pi, int i, int j) {
        return pi == null ? 1 : pi[i] * pi[j];
    }

    private static boolean participates(int i, int[] y, int[] dom, PixelContrastiveLoss.PairSet pairSet) {
        return y[i] != 255 && !(pairSet == PixelContrastiveLoss.PairSet.SOURCE_ONLY && dom[i] != 0);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return s;
    }
}
