package dev.cluda.parallel;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The BatchNorm running statistics of one or more blocks as one flat {@code float[]}, to average
 * them across ranks every step (reference §13, "Data-parallel replicas"). These are DJL's
 * {@code BatchNorm} parameters of type {@link Parameter.Type#RUNNING_MEAN} and
 * {@link Parameter.Type#RUNNING_VAR} (named {@code …_runningMean} / {@code …_runningVar}); they
 * never require gradients, and the EMA teacher keeps its own. Order: block by block as given,
 * within a block by parameter name. Reads and writes change the arrays' values in place, never
 * their identity. Not thread-safe.
 */
public final class BatchNormStatistics {

    private final List<String> names = new ArrayList<>();
    private final List<NDArray> arrays = new ArrayList<>();
    private final int length;
    private Boolean[] viewWrites;

    private BatchNormStatistics(List<Block> blocks) {
        long total = 0;
        for (int b = 0; b < blocks.size(); b++) {
            Map<String, NDArray> byName = new TreeMap<>();
            for (Pair<String, Parameter> p : blocks.get(b).getParameters()) {
                if (isRunningStatistic(p.getValue())) {
                    byName.put(p.getKey(), p.getValue().getArray());
                }
            }
            for (Map.Entry<String, NDArray> e : byName.entrySet()) {
                names.add(b + ":" + e.getKey());
                arrays.add(e.getValue());
                total += e.getValue().size();
            }
        }
        length = Math.toIntExact(total);
    }

    /** The running statistics of {@code blocks} (null entries skipped, e.g. an absent teacher). */
    public static BatchNormStatistics of(Block... blocks) {
        List<Block> present = new ArrayList<>();
        for (Block b : blocks) {
            if (b != null) {
                if (!b.isInitialized()) {
                    throw new IllegalArgumentException("initialize every block before collecting its statistics");
                }
                present.add(b);
            }
        }
        return new BatchNormStatistics(present);
    }

    /** Whether {@code p} is a BatchNorm running mean or variance. */
    public static boolean isRunningStatistic(Parameter p) {
        return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
    }

    /** Number of floats (0 for a model without BatchNorm). */
    public int length() {
        return length;
    }

    /** {@code blockIndex:parameterName} of each array, in buffer order. */
    public List<String> names() {
        return List.copyOf(names);
    }

    /** Copies every statistic into {@code into[offset .. offset + length())}. */
    public void read(float[] into, int offset) {
        checkRange(into, offset);
        int at = offset;
        for (NDArray a : arrays) {
            HostCopy.read(a, into, at);
            at += (int) a.size();
        }
    }

    /** Overwrites every statistic in place with {@code from[offset .. offset + length())}. */
    public void write(float[] from, int offset) {
        checkRange(from, offset);
        if (viewWrites == null) {
            viewWrites = new Boolean[arrays.size()];
            for (int i = 0; i < arrays.size(); i++) {
                NDArray a = arrays.get(i);
                viewWrites[i] = HostCopy.viewWritesThrough(a, () -> a);
            }
        }
        int at = offset;
        for (int i = 0; i < arrays.size(); i++) {
            NDArray a = arrays.get(i);
            HostCopy.write(a, from, at, viewWrites[i]);
            at += (int) a.size();
        }
    }

    private void checkRange(float[] buffer, int offset) {
        if (offset < 0 || buffer.length - offset < length) {
            throw new IllegalArgumentException("buffer of " + buffer.length + " floats from offset " + offset
                    + " cannot hold " + length + " BatchNorm statistics");
        }
    }
}
