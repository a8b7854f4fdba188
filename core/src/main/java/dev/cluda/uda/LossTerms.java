package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import dev.cluda.ndarray.GradRecording;
import dev.cluda.ndarray.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss terms of one iteration as they are computed: each value is read once, checked
 * finite, recorded under its name, and its weighted value added to the total there and then,
 * so the reported total is the sum the gradients came from. Each pass ends with
 * {@link #backward}: one backward of its terms' weighted sum, or one per term with a
 * {@link GradientProbe}.
 */
final class LossTerms {

    private final long iteration;
    private final GradientProbe probe;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final List<Double> weighted = new ArrayList<>();
    private final Map<String, NDArray> pass = new LinkedHashMap<>();

    /** @param probe records each term's gradient norms, or null for one backward per pass */
    LossTerms(long iteration, GradientProbe probe) {
        this.iteration = iteration;
        this.probe = probe;
    }

    long iteration() {
        return iteration;
    }

    /** Records an unweighted term of the current pass. */
    void add(String name, NDArray value) {
        add(name, value, 1);
    }

    /** Records a term of the current pass with weight {@code weight}; {@code weight · value} joins its backward. */
    void add(String name, NDArray value, double weight) {
        double v = value.getFloat();
        if (!Double.isFinite(v)) {
            throw new NonFiniteLossException(name, iteration, v);
        }
        values.put(name, v);
        weighted.add(weight * v);
        pass.put(name, weight == 1 ? value : Scalars.mul(value, weight));
    }

    /** Backpropagates the current pass's terms (their sum in the order added) and starts the next pass. */
    void backward(GradRecording recording) {
        if (probe != null) {
            probe.backward(pass);
        } else {
            NDArray sum = null;
            for (NDArray term : pass.values()) {
                sum = sum == null ? term : sum.add(term);
            }
            recording.backward(sum);
        }
        pass.clear();
    }

    /** Empty terms of the same iteration, for a pass computed on another thread; see {@link #append}. */
    LossTerms forAnotherThread() {
        if (probe != null) {
            throw new IllegalStateException("gradient norms are probed one term after another, on one thread");
        }
        return new LossTerms(iteration, null);
    }

    /** Adds {@code later}'s terms after this one's, as if they had been added here in their order. */
    void append(LossTerms later) {
        if (!later.pass.isEmpty()) {
            throw new IllegalStateException("the appended terms have a pass without its backward");
        }
        values.putAll(later.values);
        weighted.addAll(later.weighted);
    }

    /** What the iteration reports: every term in the order computed, then {@code total}. */
    StepResult result(double pseudoConfidence, double pseudoWeight) {
        Map<String, Double> out = new LinkedHashMap<>(values);
        double total = 0;
        for (double w : weighted) {
            total += w;
        }
        out.put("total", total);
        return new StepResult(out, pseudoConfidence, pseudoWeight,
                probe == null ? Map.of() : probe.norms());
    }
}
