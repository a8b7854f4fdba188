package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import dev.cluda.ndarray.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss terms of one iteration as they are computed: each value is read once, checked
 * finite, recorded under its name, and its weighted value added to the total there and then,
 * so the reported total is the sum the gradients came from.
 */
final class LossTerms {

    private final long iteration;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private double total;

    LossTerms(long iteration) {
        this.iteration = iteration;
    }

    /** Records an unweighted term; returns it for the backward sum. */
    NDArray add(String name, NDArray value) {
        record(name, value, 1);
        return value;
    }

    /** Records a term with weight {@code weight}; returns {@code weight · value} for the backward sum. */
    NDArray add(String name, NDArray value, double weight) {
        record(name, value, weight);
        return Scalars.mul(value, weight);
    }

    private void record(String name, NDArray value, double weight) {
        double v = value.getFloat();
        if (!Double.isFinite(v)) {
            throw new NonFiniteLossException(name, iteration, v);
        }
        values.put(name, v);
        total += weight * v;
    }

    /** What the iteration reports: every term in the order computed, then {@code total}. */
    StepResult result(double pseudoConfidence, double pseudoWeight) {
        Map<String, Double> out = new LinkedHashMap<>(values);
        out.put("total", total);
        return new StepResult(out, pseudoConfidence, pseudoWeight);
    }
}
