package dev.cluda.model;

import java.util.TreeMap;
import java.util.Map;
import java.util.List;
import java.util.ArrayList;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.cluda.error.UserInputException;

/** Parameter utilities for initialized blocks: trainable counts and value copies (EMA teacher init, §2.1). */
public final class ModelParameters {

    private ModelParameters() {}

    /** Number of scalars in parameters that require gradients (BatchNorm running statistics excluded). */
    public static long countTrainable(Block block) {
        long n = 0;
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                n += p.getArray().getShape().size();
            }
        }
        return n;
    }

    /**
     * Copies every parameter value (running statistics included) of {@code from} into {@code to} in place,
     * pairing parameters by order and checking that names and shapes agree. Call it outside a
     * {@code GradientCollector}.
     *
     * @throws IllegalArgumentException if the two blocks differ in structure, naming the first difference
     */
    public static void copyValues(Block from, Block to) {
        PairList<String, Parameter> src = from.getParameters();
        PairList<String, Parameter> dst = to.getParameters();
        if (src.size() != dst.size()) {
            throw new IllegalArgumentException("blocks differ: " + src.size() + " vs " + dst.size()
                    + " parameters; copy only between models built from the same spec");
        }
        for (int i = 0; i < src.size(); i++) {
            Pair<String, Parameter> s = src.get(i);
            Pair<String, Parameter> d = dst.get(i);
            NDArray a = s.getValue().getArray();
            NDArray b = d.getValue().getArray();
            if (!s.getKey().equals(d.getKey()) || !a.getShape().equals(b.getShape())) {
                throw new IllegalArgumentException("blocks differ at parameter " + i + ": " + s.getKey()
                        + " " + a.getShape() + " vs " + d.getKey() + " " + b.getShape());
            }
            assign(b, a);
        }
    }

    /**
     * Every parameter of {@code block} (running statistics included) as an {@link NDList} whose
     * array names are the structural parameter names, for checkpoints. The arrays are the live
     * parameters, not copies: encode them before the next update.
     */
    public static NDList named(Block block) {
        NDList list = new NDList();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            a.setName(p.getKey());
            list.add(a);
        }
        return list;
    }

    /**
     * Overwrites every parameter of {@code block} in place with the array of the same name in
     * {@code values} (see {@link #named}); arrays, gradients and ids stay the block's own.
     *
     * @param source where the values came from, for error messages
     * @throws IllegalArgumentException naming the first parameter that is missing or of another shape
     */
    public static void load(Block block, NDList values, String source) {
        java.util.Map<String, NDArray> byName = new java.util.HashMap<>();
        for (NDArray a : values) {
            byName.put(a.getName(), a);
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray value = byName.get(p.getKey());
            NDArray target = p.getValue().getArray();
            if (value == null) {
                throw new UserInputException(source + " has no value for parameter " + p.getKey()
                        + "; was it written for another model.* configuration?");
            }
            if (!value.getShape().equals(target.getShape())) {
                throw new UserInputException(source + ": parameter " + p.getKey() + " is " + value.getShape()
                        + " there but " + target.getShape() + " in this model; check model.* keys");
            }
            assign(target, value);
        }
    }

    /** Overwrites {@code target}'s values in place with {@code source}'s (same shape; any device/dtype). */
    static void assign(NDArray target, NDArray source) {
        try (NDManager sub = target.getManager().newSubManager(target.getDevice())) {
            NDArray moved = source.toDevice(target.getDevice(), true);
            moved.attach(sub);
            NDArray value = moved.toType(target.getDataType(), false);
            value.attach(sub);
            target.set(new NDIndex("..."), value);
        }
    }

    /**
     * Every parameter value of the blocks (BatchNorm running statistics included), block by block and
     * within a block in name order, read to the host: one array to compare or checksum replicas with.
     */
    public static float[] flatValues(Block... blocks) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Block b : blocks) {
            Map<String, Parameter> byName = new TreeMap<>();
            for (Pair<String, Parameter> p : b.getParameters()) {
                byName.put(p.getKey(), p.getValue());
            }
            for (Parameter p : byName.values()) {
                float[] v = p.getArray().toFloatArray();
                parts.add(v);
                n += v.length;
            }
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
