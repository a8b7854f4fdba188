package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.Gradients;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which loss term moves the weights: each weighted term of a pass is backpropagated on its own
 * (the graph kept until the last), and the L2 norm of the gradient it added is recorded for the
 * encoder's and the heads' parameters, as {@code <term>.encoder} / {@code <term>.head}. The
 * gradients summed are those of one backward of the sum up to the order of float additions.
 */
final class GradientProbe {

    private final NDManager step;
    private final List<NDArray> encoder = new ArrayList<>();
    private final List<NDArray> head = new ArrayList<>();
    private final Map<NDArray, NDArray> previous = new IdentityHashMap<>();
    private final Map<String, Double> norms = new LinkedHashMap<>();

    /** @param step owns the gradient snapshots; closed by the caller with the step */
    GradientProbe(SegmentationModel student, NDManager step) {
        this.step = step;
        Set<Parameter> inEncoder = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Pair<String, Parameter> p : student.getEncoder().getParameters()) {
            inEncoder.add(p.getValue());
        }
        for (Pair<String, Parameter> p : student.getParameters()) {
            if (p.getValue().requiresGradient()) {
                (inEncoder.contains(p.getValue()) ? encoder : head).add(p.getValue().getArray());
            }
        }
        snapshot(encoder, null);
        snapshot(head, null);
    }

    /** Backpropagates each of {@code terms} (name → weighted loss) on its own and records its gradient norms. */
    void backward(Map<String, NDArray> terms) {
        int left = terms.size();
        for (Map.Entry<String, NDArray> term : terms.entrySet()) {
            Gradients.backward(term.getValue(), --left > 0);
            double[] squared = new double[1];
            snapshot(encoder, squared);
            norms.put(term.getKey() + ".encoder", Math.sqrt(squared[0]));
            squared[0] = 0;
            snapshot(head, squared);
            norms.put(term.getKey() + ".head", Math.sqrt(squared[0]));
        }
    }

    /** Norms by {@code <term>.<encoder|head>}, in the order the terms were backpropagated. */
    Map<String, Double> norms() {
        return norms;
    }

    /** Copies the weights' current gradients; adds the squared norm of their change to {@code squared[0]}. */
    private void snapshot(List<NDArray> weights, double[] squared) {
        for (NDArray weight : weights) {
            NDArray grad = Gradients.of(weight);
            if (grad == null) {
                continue;
            }
            grad.attach(step);
            NDArray copy = grad.duplicate();
            NDArray before = previous.put(weight, copy);
            if (squared != null) {
                NDArray change = before == null ? copy : copy.sub(before);
                squared[0] += change.square().sum().toType(DataType.FLOAT64, false).getDouble();
            }
        }
    }
}
