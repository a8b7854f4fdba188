package dev.cluda.optim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * mmcv's {@code paramwise_cfg.custom_keys} (reference §7, mmcv
 * {@code optimizer/default_constructor.py}): a parameter whose name contains a key takes that
 * key's lr and decay multipliers. Keys are tried longest first, alphabetically on equal length,
 * and the first match wins; a matched key's unset multiplier is 1, and a name matching no key
 * gets (1, 1).
 *
 * <p>With the DAFormer keys {@code {head: lr×10, norm: decay×0, pos_block: decay×0}} the order
 * is {@code pos_block, head, norm}, so a name containing both "head" and "norm" gets lr×10 WITH
 * decay. Names are matched as given: the model's DJL parameter names must contain "head" for
 * every decoder/attention/feature-weight head parameter and "norm" for every LayerNorm.
 */
public final class ParameterGroups {

    /** One custom key. */
    public record Rule(String key, double lrMultiplier, double decayMultiplier) {
        public Rule {
            Objects.requireNonNull(key, "key");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("a custom key must not be empty (it would match every name)");
            }
            if (!(lrMultiplier >= 0) || !(decayMultiplier >= 0)) {
                throw new IllegalArgumentException("multipliers of key '" + key + "' must be non-negative, got lr "
                        + lrMultiplier + ", decay " + decayMultiplier);
            }
        }
    }

    /**
     * The group of one parameter.
     *
     * @param key the custom key that matched, or "" if none did
     */
    public record Group(String key, double lrMultiplier, double decayMultiplier) {
        /** The group of a name that matches no key. */
        public static final Group DEFAULT = new Group("", 1.0, 1.0);
    }

    private final List<Rule> rulesInMatchOrder;

    private ParameterGroups(List<Rule> rulesInMatchOrder) {
        this.rulesInMatchOrder = rulesInMatchOrder;
    }

    /** Groups from custom keys in any order; they are sorted into mmcv's match order. */
    public static ParameterGroups of(List<Rule> rules) {
        Set<String> seen = new HashSet<>();
        for (Rule r : rules) {
            if (!seen.add(r.key())) {
                throw new IllegalArgumentException("custom key '" + r.key() + "' is given twice; give each key once");
            }
        }
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt((Rule r) -> r.key().length()).reversed()
                .thenComparing(Rule::key));
        return new ParameterGroups(List.copyOf(sorted));
    }

    /** The reference keys: head lr×10, norm and pos_block decay×0 (§7). */
    public static ParameterGroups daformer() {
        return of(List.of(new Rule("head", 10.0, 1.0), new Rule("norm", 1.0, 0.0),
                new Rule("pos_block", 1.0, 0.0)));
    }

    /** No custom keys: every parameter gets (1, 1). */
    public static ParameterGroups none() {
        return new ParameterGroups(List.of());
    }

    /** The group of a parameter name: the first rule, in match order, whose key it contains. */
    public Group groupOf(String parameterName) {
        Objects.requireNonNull(parameterName, "parameterName");
        for (Rule r : rulesInMatchOrder) {
            if (parameterName.contains(r.key())) {
                return new Group(r.key(), r.lrMultiplier(), r.decayMultiplier());
            }
        }
        return Group.DEFAULT;
    }

    /** The rules longest key first, alphabetical on ties: the order they are tried in. */
    public List<Rule> rulesInMatchOrder() {
        return rulesInMatchOrder;
    }
}
