package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The mean teacher of DACS (reference §2.1; DAF {@code dacs.py::_update_ema}): at t = 0 the
 * teacher φ becomes a copy of the student θ; at t ≥ 1, with α_t = min(1 − 1/(t+1), α),
 * φ ← α_t φ + (1 − α_t) θ, in place and without temporaries ({@code φ.subi(θ).muli(α_t).addi(θ)}).
 *
 * <p>Only trainable parameters are averaged: BatchNorm running statistics are buffers the
 * teacher keeps and updates itself. The teacher's arrays keep their identity (and device), so a
 * teacher block sees the new weights without re-binding. Call it outside any open
 * {@code GradientCollector} (the reference updates the teacher before the first forward pass).
 */
public final class EmaTeacher {

    /** The reference α (DAF {@code dacs_a999_fdthings.py}). */
    public static final double DEFAULT_ALPHA = 0.999;

    private final double alpha;

    /** @param alpha the cap α of α_t, in [0, 1) */
    public EmaTeacher(double alpha) {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("EMA alpha must be in [0, 1), got " + alpha);
        }
        this.alpha = alpha;
    }

    /** A teacher with α = 0.999. */
    public static EmaTeacher withDefaultAlpha() {
        return new EmaTeacher(DEFAULT_ALPHA);
    }

    /** α_t = min(1 − 1/(t+1), α); 0 at t = 0, 0.5 at t = 1, 2/3 at t = 2, α from t = 1/(1−α) − 1 on. */
    public double alpha(long iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be non-negative, got " + iteration);
        }
        return Math.min(1.0 - 1.0 / (iteration + 1.0), alpha);
    }

    /**
     * Updates the teacher arrays in place from the student arrays at the same index.
     *
     * @param teacher the teacher's trainable parameter arrays
     * @param student the student's trainable parameter arrays, same order and shapes
     * @param iteration t, 0-based: 0 copies, later iterations average
     */
    public void update(List<NDArray> teacher, List<NDArray> student, long iteration) {
        if (teacher.size() != student.size()) {
            throw new IllegalArgumentException("teacher has " + teacher.size() + " arrays but student has "
                    + student.size() + "; pass the trainable parameters of two blocks of the same architecture");
        }
        for (int i = 0; i < teacher.size(); i++) {
            if (!teacher.get(i).getShape().equals(student.get(i).getShape())) {
                throw new IllegalArgumentException("array " + i + ": teacher shape " + teacher.get(i).getShape()
                        + " differs from student shape " + student.get(i).getShape());
            }
        }
        float a = (float) alpha(iteration);
        for (int i = 0; i < teacher.size(); i++) {
            NDArray t = teacher.get(i);
            NDArray s = student.get(i);
            if (t == s) {
                continue;
            }
            if (iteration == 0) {
                t.set(new NDIndex("..."), s);
            } else {
                t.subi(s).muli(a).addi(s);
            }
        }
    }

    /**
     * {@link #update(List, List, long)} over two blocks of the same architecture: the parameters
     * the STUDENT trains ({@code requiresGradient}) are paired by their structural name, so a frozen
     * teacher works too; running statistics (not trained) are skipped.
     */
    public void update(Block teacher, Block student, long iteration) {
        List<List<NDArray>> pairs = trainablePairs(teacher.getParameters(), student.getParameters());
        update(pairs.get(0), pairs.get(1), iteration);
    }

    /** [teacher arrays, student arrays] of the student's trainable parameters, checked by name. */
    static List<List<NDArray>> trainablePairs(PairList<String, Parameter> teacher,
                                              PairList<String, Parameter> student) {
        if (teacher.size() != student.size()) {
            throw new IllegalArgumentException("teacher has " + teacher.size() + " parameters but student has "
                    + student.size() + "; build both from the same architecture");
        }
        List<NDArray> t = new ArrayList<>();
        List<NDArray> s = new ArrayList<>();
        for (int i = 0; i < student.size(); i++) {
            Pair<String, Parameter> sp = student.get(i);
            Pair<String, Parameter> tp = teacher.get(i);
            if (!sp.getKey().equals(tp.getKey())) {
                throw new IllegalArgumentException("parameter " + i + " is '" + sp.getKey() + "' in the student but '"
                        + tp.getKey() + "' in the teacher; build both from the same architecture");
            }
            if (sp.getValue().requiresGradient()) {
                t.add(tp.getValue().getArray());
                s.add(sp.getValue().getArray());
            }
        }
        return List.of(t, s);
    }
}
