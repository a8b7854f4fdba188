package dev.cluda.loss;

import dev.cluda.data.CityscapesClass;
import java.util.ArrayList;
import java.util.List;

/**
 * Straightforward double-precision loop over the definition of reference §5.3 (with the §13
 * decisions), independent of the NDArray implementation: sets P(i) and N(i) are built pair by
 * pair and ℓ_ij is evaluated literally.
 */
final class ContrastiveReference {

    private ContrastiveReference() {
    }

    /**
     * @param f    features per pixel in flat order (image, row, column), {@code [n][D]}
     * @param y    labels, 255 = ignore
     * @param pi   confidences or null for 1
     * @param dom  domains (0 source, 1 target) or null
     */
    static double loss(double[][] f, int[] y, double[] pi, int[] dom, PixelContrastiveLoss.PairSet pairSet,
                       boolean separate, double tau) {
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
            List<Integer> pos = new ArrayList<>();
            List<Integer> neg = new ArrayList<>();
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
                if (y[j] == y[i]) {
                    if (j != i) {
                        pos.add(j);
                    }
                } else {
                    neg.add(j);
                }
            }
            double negSum = 0;
            for (int k : neg) {
                negSum += Math.exp(dot(f[i], f[k]) / tau);
            }
            double rowSum = 0;
            for (int j : pos) {
                double s = dot(f[i], f[j]) / tau;
                double l = s - Math.log(Math.exp(s) + negSum);
                double rho = pi == null ? 1 : pi[i] * pi[j];
                rowSum += rho * l;
            }
            total += rowSum / Math.max(pos.size(), 1);
        }
        return -total / anchors.size();
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
