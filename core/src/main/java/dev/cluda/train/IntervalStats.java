package dev.cluda.train;

import dev.cluda.uda.StepResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** Means of the loss terms, step time and pseudo-label confidence over one logging interval. */
final class IntervalStats {

    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private double seconds;
    private double pseudoConfidence;
    private int pseudoCount;
    private int steps;

    void add(StepResult result, double stepSeconds) {
        result.losses().forEach((name, value) -> {
            double[] s = sums.computeIfAbsent(name, k -> new double[2]);
            s[0] += value;
            s[1]++;
        });
        seconds += stepSeconds;
        if (!Double.isNaN(result.pseudoConfidence())) {
            pseudoConfidence += result.pseudoConfidence();
            pseudoCount++;
        }
        steps++;
    }

    Map<String, Double> meanLosses() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((name, s) -> out.put(name, s[0] / s[1]));
        return out;
    }

    double meanSeconds() {
        return steps == 0 ? Double.NaN : seconds / steps;
    }

    double meanPseudoConfidence() {
        return pseudoCount == 0 ? Double.NaN : pseudoConfidence / pseudoCount;
    }
}
