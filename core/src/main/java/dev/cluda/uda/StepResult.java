package dev.cluda.uda;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training iteration reports.
 *
 * @param losses every loss term by name ({@code ce_source}, {@code fd}, {@code cl_source},
 *     {@code ce_mixed}, {@code cl_mixed}) and {@code total}, as plain numbers
 * @param pseudoConfidence mean teacher max-probability over the target batch ({@code pseudo_conf}),
 *     NaN without UDA
 * @param pseudoWeight mean per-image confidence weight q (reference §2.2), NaN without UDA
 * @param gradientNorms each weighted term's gradient norm by {@code <term>.encoder} /
 *     {@code <term>.head}; empty unless the iteration was probed ({@code debug.gradientNorms})
 */
public record StepResult(Map<String, Double> losses, double pseudoConfidence, double pseudoWeight,
                         Map<String, Double> gradientNorms) {

    public StepResult {
        // insertion order kept: metrics.jsonl lists the terms in the order they were computed
        losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
        gradientNorms = Collections.unmodifiableMap(new LinkedHashMap<>(gradientNorms));
    }

    /** Without gradient norms. */
    public StepResult(Map<String, Double> losses, double pseudoConfidence, double pseudoWeight) {
        this(losses, pseudoConfidence, pseudoWeight, Map.of());
    }
}
