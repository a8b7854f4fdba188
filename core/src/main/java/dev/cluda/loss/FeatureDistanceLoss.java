package dev.cluda.loss;

import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.ndarray.Scalars;

/**
 * DAFormer's ImageNet feature distance on thing classes (reference §4; DAFormer
 * {@code calc_feat_dist}, {@code downscale_label_ratio}).
 *
 * <p>{@code L_FD = λ · mean_{(b,h,w) ∈ mask} ‖F_student(b,:,h,w) − F_ImageNet(b,:,h,w)‖₂}, the plain
 * (not squared) Euclidean norm over channels. The mask keeps feature cells whose downscaled source
 * label is a thing class ({@link CityscapesClass#thingMask()} = {6, 7, 11..18}); a cell's label is
 * the arg-max of the one-hot labels (255 as an extra class) average-pooled over its s×s window
 * with s = W_label / w, and is ignored when that fraction is below {@code minRatio} or the winner
 * is 255. An empty mask gives exactly 0 with a zero gradient (§4, §13). All work stays on the
 * features' device; the ImageNet feature gets no gradient.
 */
public final class FeatureDistanceLoss {

    private static final int NUM_CLASSES = CityscapesClass.COUNT;
    /** Index standing for 255 in the one-hot encoding (DAFormer's {@code ignore_substitute}). */
    private static final int IGNORE_SUBSTITUTE = NUM_CLASSES;

    private final float lambda;
    private final float minRatio;

    private FeatureDistanceLoss(Builder builder) {
        this.lambda = builder.lambda;
        this.minRatio = builder.minRatio;
    }

    public static Builder builder() {
        return new Builder();
    }

    public float lambda() {
        return lambda;
    }

    public float minRatio() {
        return minRatio;
    }

    /**
     * The feature distance (reference §4).
     *
     * @param student  {@code (B, C, h, w)} student encoder feature (last stage)
     * @param imagenet {@code (B, C, h, w)} frozen ImageNet encoder feature; detached here
     * @param labels   {@code (B, H, W)} source train ids 0..18 or 255, with H = s·h and W = s·w
     * @return a scalar on the student feature's manager
     */
    public NDArray compute(NDArray student, NDArray imagenet, NDArray labels) {
        Shape ss = student.getShape();
        if (ss.dimension() != 4) {
            throw new IllegalArgumentException("student feature must be (B, C, h, w), got " + ss);
        }
        if (!imagenet.getShape().equals(ss)) {
            throw new IllegalArgumentException("ImageNet feature must have the student feature's shape " + ss
                    + ", got " + imagenet.getShape());
        }
        int h = Math.toIntExact(ss.get(2));
        int w = Math.toIntExact(ss.get(3));
        if (labels.getShape().dimension() != 3 || labels.getShape().get(0) != ss.get(0)) {
            throw new IllegalArgumentException("labels must be (B, H, W) with B = " + ss.get(0) + ", got "
                    + labels.getShape());
        }
        NDManager parent = student.getManager();
        try (NDManager sub = parent.newSubManager(student.getDevice())) {
            student.tempAttach(sub);
            imagenet.tempAttach(sub);
            labels.tempAttach(sub);
            NDArray mask = thingMask(labels, h, w).toType(student.getDataType(), false);
            NDArray distance = student.sub(imagenet.stopGradient()).norm(new int[] {1}, false);
            NDArray loss = Scalars.mul(distance.mul(mask).sum().div(mask.sum().maximum(1)), lambda);
            loss.attach(parent);
            return loss;
        }
    }

    /**
     * Cells of an {@code h×w} feature map whose ratio-pooled label is a thing class (reference §4).
     *
     * @param labels {@code (B, H, W)} train ids 0..18 or 255, with H = s·h and W = s·w
     * @return {@code (B, h, w)} boolean, on the labels' manager
     */
    public NDArray thingMask(NDArray labels, int h, int w) {
        NDManager parent = labels.getManager();
        try (NDManager sub = parent.newSubManager(labels.getDevice())) {
            labels.tempAttach(sub);
            NDArray downscaled = downscaleLabels(labels, h, w);
            boolean[] table = new boolean[LabelMap.IGNORE + 1];
            System.arraycopy(CityscapesClass.thingMask(), 0, table, 0, NUM_CLASSES);
            NDArray mask = HostArrays.create(sub, table).take(downscaled.toType(DataType.INT64, false));
            mask.attach(parent);
            return mask;
        }
    }

    /**
     * Ratio-pooled label of each cell of an {@code h×w} grid, 255 where the most frequent value
     * covers less than {@code minRatio} of the s×s window or is itself 255 (DAFormer
     * {@code downscale_label_ratio}, reference §4).
     *
     * @param labels {@code (B, H, W)} train ids 0..18 or 255, with H = s·h and W = s·w
     * @return {@code (B, h, w)} INT32 train ids or 255, on the labels' manager
     */
    public NDArray downscaleLabels(NDArray labels, int h, int w) {
        Shape ls = labels.getShape();
        if (ls.dimension() != 3 || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("labels must be (B, H, W) and the grid positive, got " + ls
                    + " and " + h + "x" + w);
        }
        long height = ls.get(1);
        long width = ls.get(2);
        if (height % h != 0 || width % w != 0 || height / h != width / w) {
            throw new IllegalArgumentException("label size " + height + "x" + width + " must be the feature size "
                    + h + "x" + w + " times one integer scale s (s×s pooling windows)");
        }
        long scale = width / w;
        long batch = ls.get(0);
        NDManager parent = labels.getManager();
        try (NDManager sub = parent.newSubManager(labels.getDevice())) {
            labels.tempAttach(sub);
            NDArray ids = labels.toType(DataType.INT64, false);
            NDArray ignored = ids.eq(LabelMap.IGNORE);
            boolean outOfRange = ids.lt(0).logicalOr(ids.gte(NUM_CLASSES)).logicalAnd(ignored.logicalNot())
                    .any().getBoolean();
            if (outOfRange) {
                throw new IllegalArgumentException("labels must be train ids 0.." + (NUM_CLASSES - 1) + " or "
                        + LabelMap.IGNORE + "; found another value");
            }
            // DJL's where broadcasts only the third argument: keep the full-size array second.
            NDArray substituted = NDArrays.where(ignored.logicalNot(), ids, HostArrays.scalar(sub, (long) IGNORE_SUBSTITUTE));
            NDArray fractions = substituted.oneHot(NUM_CLASSES + 1, DataType.FLOAT32)
                    .reshape(batch, h, scale, w, scale, NUM_CLASSES + 1)
                    .sum(new int[] {2, 4})
                    .div(scale * scale);
            NDArray ratio = fractions.max(new int[] {3});
            NDArray winner = fractions.argMax(3);
            NDArray drop = ratio.lt(minRatio).logicalOr(winner.eq(IGNORE_SUBSTITUTE));
            NDArray out = NDArrays.where(drop.logicalNot(), winner, HostArrays.scalar(sub, (long) LabelMap.IGNORE))
                    .toType(DataType.INT32, false);
            out.attach(parent);
            return out;
        }
    }

    /** Builder; every setting is optional. */
    public static final class Builder {
        private float lambda = 0.005f;
        private float minRatio = 0.75f;

        private Builder() {
        }

        /** Loss weight λ_FD; default 0.005 (reference §4, §7). */
        public Builder optLambda(float lambda) {
            this.lambda = lambda;
            return this;
        }

        /** Minimum class fraction of a pooling window; default 0.75 (reference §4). */
        public Builder optMinRatio(float minRatio) {
            this.minRatio = minRatio;
            return this;
        }

        public FeatureDistanceLoss build() {
            if (!(lambda >= 0) || Float.isInfinite(lambda)) {
                throw new IllegalArgumentException("lambda must be a finite number >= 0, got " + lambda);
            }
            if (!(minRatio >= 0 && minRatio <= 1)) {
                throw new IllegalArgumentException("minRatio must be in [0, 1], got " + minRatio);
            }
            return new FeatureDistanceLoss(this);
        }
    }
}
