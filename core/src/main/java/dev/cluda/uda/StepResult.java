package dev.cluda.uda;

import java.util.Map;

/**
 * What one training iteration reports.
 *
 * @param losses every loss term by name ({@code ce_source}, {@code fd}, {@code cl_source},
 *     {@code ce_mixed}, {@code cl_mixed}) and {@code total}, as plain numbers
 * @param pseudoConfidence mean teacher max-probability over the target batch ({@code pseudo_conf}),
 *     NaN without UDA
 * @param pseudoWeight mean per-image confidence weight q (reference §2.2), NaN without UDA
 */
public record StepResult(Map<String, Double> losses, double pseudoConfidence, double pseudoWeight) {

    public StepResult {
        // insertion order kept: metrics.jsonl lists the terms in the order they were computed
        losses = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(losses));
    }
}
