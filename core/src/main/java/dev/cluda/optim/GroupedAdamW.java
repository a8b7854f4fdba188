package dev.cluda.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AdamW with decoupled weight decay, PyTorch semantics (reference §7; {@code torch.optim.AdamW}),
 * with a learning-rate multiplier and a weight-decay multiplier per parameter taken from
 * {@link ParameterGroups} by parameter NAME, and the base learning rate from a
 * {@link LearningRateSchedule}. For the k-th update of a parameter (k = 1, 2, …):
 *
 * <pre>
 * lr = schedule.at(k − 1) · lrMult,  wd = baseDecay · decayMult
 * p ← p · (1 − lr · wd)
 * m ← β1 m + (1 − β1) g;   v ← β2 v + (1 − β2) g²
 * p ← p − (lr / (1 − β1^k)) · m / (√v / √(1 − β2^k) + ε)
 * </pre>
 *
 * <p>DJL calls {@link #update} with the parameter's random id; the id → name map is taken once
 * from the parameter list given to the builder. The state (m, v, step per parameter) lives in a
 * manager this optimizer owns: {@link #close()} frees it. {@link #stateDict} and
 * {@link #loadStateDict} move it in and out under names that are stable across runs. The state
 * is unregistered from any open {@code NDScope}, so the first step may run inside one.
 */
public final class GroupedAdamW extends Optimizer implements AutoCloseable {

    /** Suffix of the first-moment array in {@link #stateDict}. */
    public static final String EXP_AVG = ".exp_avg";
    /** Suffix of the second-moment array in {@link #stateDict}. */
    public static final String EXP_AVG_SQ = ".exp_avg_sq";
    /** Suffix of the step-count scalar (int64) in {@link #stateDict}. */
    public static final String STEP = ".step";

    private static final class State {
        NDArray expAvg;
        NDArray expAvgSq;
        long step;
    }

    private final LearningRateSchedule schedule;
    private final ParameterGroups groups;
    private final double baseWeightDecay;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<String, String> idToName;
    private final Map<String, ParameterGroups.Group> groupByName;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final NDManager stateManager;

    private GroupedAdamW(Builder builder) {
        super(builder);
        if (rescaleGrad != 1f || clipGrad > 0) {
            throw new IllegalArgumentException("GroupedAdamW supports neither setRescaleGrad nor optClipGrad "
                    + "(the reference uses neither); scale or clip the gradients before the step");
        }
        this.schedule = builder.schedule;
        this.groups = builder.groups;
        this.baseWeightDecay = getWeightDecay();
        if (!(baseWeightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be non-negative, got " + baseWeightDecay);
        }
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.epsilon = builder.epsilon;
        Map<String, String> ids = new HashMap<>();
        Map<String, ParameterGroups.Group> byName = new HashMap<>();
        for (Pair<String, Parameter> p : builder.parameters) {
            if (byName.put(p.getKey(), groups.groupOf(p.getKey())) != null) {
                throw new IllegalArgumentException("parameter name '" + p.getKey() + "' appears twice in the "
                        + "parameter list; names must be unique (use Block.getParameters())");
            }
            ids.put(p.getValue().getId(), p.getKey());
        }
        this.idToName = Map.copyOf(ids);
        this.groupByName = Map.copyOf(byName);
        this.stateManager = NDManager.newBaseManager();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One AdamW step of the parameter {@code parameterId}; weight is updated in place. */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        String name = idToName.get(parameterId);
        if (name == null) {
            throw new IllegalArgumentException("parameter id " + parameterId + " is not in the parameter list "
                    + "given to GroupedAdamW.builder().setParameters(...); build the optimizer from the "
                    + "trained block's getParameters()");
        }
        State s = states.computeIfAbsent(name, k -> newState(weight));
        if (!s.expAvg.getShape().equals(weight.getShape())) {
            throw new IllegalStateException("optimizer state of '" + name + "' has shape " + s.expAvg.getShape()
                    + " but the parameter has shape " + weight.getShape() + "; the loaded state is for another model");
        }
        s.step++;
        ParameterGroups.Group g = groupByName.get(name);
        double lr = schedule.at(s.step - 1) * g.lrMultiplier();
        double wd = baseWeightDecay * g.decayMultiplier();
        double bias1 = 1.0 - Math.pow(beta1, s.step);
        double bias2 = 1.0 - Math.pow(beta2, s.step);

        if (wd != 0.0) {
            weight.muli((float) (1.0 - lr * wd));
        }
        try (NDArray g1 = grad.mul((float) (1.0 - beta1))) {
            s.expAvg.muli((float) beta1).addi(g1);
        }
        try (NDArray g2 = grad.square()) {
            s.expAvgSq.muli((float) beta2).addi(g2.muli((float) (1.0 - beta2)));
        }
        try (NDArray denom = s.expAvgSq.sqrt();
             NDArray step = s.expAvg.div(denom.divi((float) Math.sqrt(bias2)).addi((float) epsilon))) {
            weight.subi(step.muli((float) (lr / bias1)));
        }
    }

    private State newState(NDArray weight) {
        State s = new State();
        s.expAvg = weight.zerosLike();
        s.expAvg.attach(stateManager);
        s.expAvgSq = weight.zerosLike();
        s.expAvgSq.attach(stateManager);
        NDScope.unregister(s.expAvg, s.expAvgSq); // state outlives any step scope
        return s;
    }

    /** The lr of a parameter at a 0-based iteration: schedule × the group's lr multiplier. */
    public double learningRate(String parameterName, long iteration) {
        return schedule.at(iteration) * group(parameterName).lrMultiplier();
    }

    /** The weight decay of a parameter: base decay × the group's decay multiplier. */
    public double weightDecay(String parameterName) {
        return baseWeightDecay * group(parameterName).decayMultiplier();
    }

    /** The group a parameter name was routed to. */
    public ParameterGroups.Group group(String parameterName) {
        ParameterGroups.Group g = groupByName.get(parameterName);
        if (g == null) {
            throw new IllegalArgumentException("no parameter named '" + parameterName + "' in this optimizer");
        }
        return g;
    }

    /** How many updates the parameter has had (0 before the first). */
    public long stepCount(String parameterName) {
        group(parameterName);
        State s = states.get(parameterName);
        return s == null ? 0 : s.step;
    }

    /**
     * A copy of the state, attached to {@code manager}: for each updated parameter, sorted by
     * name, {@code name + EXP_AVG}, {@code name + EXP_AVG_SQ} (float32, the parameter's shape) and
     * {@code name + STEP} (int64 scalar). {@code NDList.encode()} writes it with the names.
     */
    public NDList stateDict(NDManager manager) {
        NDList out = new NDList();
        for (Map.Entry<String, State> e : new TreeMap<>(states).entrySet()) {
            State s = e.getValue();
            out.add(copy(s.expAvg, manager, e.getKey() + EXP_AVG));
            out.add(copy(s.expAvgSq, manager, e.getKey() + EXP_AVG_SQ));
            NDArray step = manager.create(s.step);
            step.setName(e.getKey() + STEP);
            out.add(step);
        }
        return out;
    }

    /**
     * Replaces the whole state by a copy of {@code state} as written by {@link #stateDict}.
     *
     * @throws IllegalArgumentException if an array's name is not of this optimizer's parameters,
     *     or a parameter lacks one of its three arrays
     */
    public void loadStateDict(NDList state) {
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray a : state) {
            if (a.getName() == null || byName.put(a.getName(), a) != null) {
                throw new IllegalArgumentException("optimizer state arrays must have unique names, got "
                        + a.getName() + "; pass what stateDict wrote");
            }
        }
        List<String> names = new ArrayList<>();
        for (String key : byName.keySet()) {
            String name = key.endsWith(EXP_AVG_SQ) ? key.substring(0, key.length() - EXP_AVG_SQ.length())
                    : key.endsWith(EXP_AVG) ? key.substring(0, key.length() - EXP_AVG.length())
                    : key.endsWith(STEP) ? key.substring(0, key.length() - STEP.length()) : null;
            if (name == null || !groupByName.containsKey(name)) {
                throw new IllegalArgumentException("optimizer state array '" + key + "' names no parameter of "
                        + "this optimizer; the checkpoint is for another model");
            }
            if (key.endsWith(STEP)) {
                names.add(name);
            }
        }
        if (names.size() * 3 != byName.size()) {
            throw new IllegalArgumentException("optimizer state has " + byName.size() + " arrays but "
                    + names.size() + " step scalars; each parameter needs exp_avg, exp_avg_sq and step");
        }
        for (String name : names) {
            NDArray m = byName.get(name + EXP_AVG);
            NDArray v = byName.get(name + EXP_AVG_SQ);
            if (m == null || v == null || !m.getShape().equals(v.getShape())) {
                throw new IllegalArgumentException("optimizer state of '" + name + "' needs " + EXP_AVG + " and "
                        + EXP_AVG_SQ + " arrays of equal shape");
            }
        }
        Map<String, State> loaded = new HashMap<>();
        for (String name : names) {
            State s = new State();
            s.expAvg = copy(byName.get(name + EXP_AVG), stateManager, null);
            s.expAvgSq = copy(byName.get(name + EXP_AVG_SQ), stateManager, null);
            NDScope.unregister(s.expAvg, s.expAvgSq);
            try (NDArray step = byName.get(name + STEP).toType(DataType.INT64, true)) {
                s.step = step.getLong();
            }
            loaded.put(name, s);
        }
        states.values().forEach(s -> {
            s.expAvg.close();
            s.expAvgSq.close();
        });
        states.clear();
        states.putAll(loaded);
    }

    /**
     * A float32 copy with its own storage. Not {@code toType(FLOAT32, true)}: for a float32 array
     * DJL's PyTorch engine returns a view of the same storage, and a decoded checkpoint's storage
     * is a Java buffer freed once its arrays are collected.
     */
    private static NDArray copy(NDArray a, NDManager manager, String name) {
        NDArray c = a.getDataType() == DataType.FLOAT32 ? a.duplicate() : a.toType(DataType.FLOAT32, false);
        c.attach(manager);
        if (name != null) {
            c.setName(name);
        }
        return c;
    }

    /** Frees the optimizer state. */
    @Override
    public void close() {
        stateManager.close();
    }

    /** Builder of {@link GroupedAdamW}; weight decay defaults to 0.01 ({@code optWeightDecays}). */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private PairList<String, Parameter> parameters;
        private LearningRateSchedule schedule;
        private ParameterGroups groups = ParameterGroups.daformer();
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;

        Builder() {
            optWeightDecays(0.01f);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** The trained parameters by structural name, e.g. {@code block.getParameters()}. */
        public Builder setParameters(PairList<String, Parameter> parameters) {
            this.parameters = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /** The base learning rate per iteration. */
        public Builder setSchedule(LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** The name → (lr, decay) multipliers; default {@link ParameterGroups#daformer()}. */
        public Builder optGroups(ParameterGroups groups) {
            this.groups = Objects.requireNonNull(groups, "groups");
            return this;
        }

        /** Adam betas; default (0.9, 0.999). */
        public Builder optBetas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /** Adam epsilon; default 1e-8. */
        public Builder optEpsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        public GroupedAdamW build() {
            if (parameters == null) {
                throw new IllegalArgumentException("setParameters(block.getParameters()) is required");
            }
            if (schedule == null) {
                throw new IllegalArgumentException("setSchedule(LearningRateSchedule) is required");
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
            }
            return new GroupedAdamW(this);
        }
    }
}
