package dev.cluda.uda;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.cluda.data.LabelMap;
import dev.cluda.loss.FeatureDistanceLoss;
import dev.cluda.loss.MultiResolutionContrastiveLoss;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.GradRecording;
import dev.cluda.transform.BlockMask;
import dev.cluda.transform.ClassMix;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.transform.TransformedSample;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One CLUDA iteration on one rank, in the order of reference §1: EMA teacher update, source pass
 * (CE + ImageNet feature distance + source pixel contrast), pseudo-labels, ClassMix with colour
 * jitter and blur, mixed pass (weighted CE + confidence-weighted pixel contrast), and optionally
 * MIC's masked pass. Every student pass runs at one resolution or as HRDA's LR context + HR
 * detail crop (§6.3). Gradients are left on the student's parameters; the caller averages them
 * across ranks and applies the optimizer. Every term is switchable, so source-only,
 * DAFormer-style, HRDA, MIC and CLUDA are configurations of this one method ({@link #builder()}).
 */
public final class CludaStep {

    /**
     * The random draws of one iteration, derived from (seed, rank, iteration) by the caller.
     *
     * @param masking the masked pass's jitter, blur and block mask; needed only with MIC
     * @param detailCrop the HR detail crops of a multi-resolution student; needed only with HRDA
     */
    public record Randomness(SplittableRandom classMix, SplittableRandom photometric, SplittableRandom contrastive,
                             SplittableRandom masking, SplittableRandom detailCrop) {

        /** Without the masked pass's and the detail crops' streams. */
        public Randomness(SplittableRandom classMix, SplittableRandom photometric, SplittableRandom contrastive) {
            this(classMix, photometric, contrastive, null, null);
        }

        /** Without the detail crops' stream. */
        public Randomness(SplittableRandom classMix, SplittableRandom photometric, SplittableRandom contrastive,
                          SplittableRandom masking) {
            this(classMix, photometric, contrastive, masking, null);
        }
    }

    private final SegmentationModel student;
    private final SelfTraining selfTraining;
    private final FeatureDistance featureDistance;
    private final ContrastTerm sourceContrast;
    private final ContrastTerm mixedContrast;
    private final MultiResolutionStudent multiResolution;
    private final MaskedConsistency masked;
    private final long contrastStart;
    private final int grid;
    /** Runs the source and the self-training passes side by side; null: one after the other. */
    private final ConcurrentPasses passes;

    private CludaStep(Builder b) {
        this.student = b.student;
        this.selfTraining = b.selfTraining;
        this.featureDistance = b.featureDistance;
        this.sourceContrast = b.sourceContrast;
        this.mixedContrast = b.mixedContrast;
        this.masked = b.masked;
        this.multiResolution = b.multiResolution;
        this.contrastStart = b.contrastStart;
        this.grid = b.grid;
        // HRDA's passes share the detail-crop stream, so their draws would interleave: one after the other
        this.passes = b.concurrentPasses && selfTraining != null && multiResolution == null
                && ConcurrentPasses.worthwhile(onCpu(student)) ? new ConcurrentPasses() : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the source pass runs beside the self-training passes ({@link Builder#optConcurrentPasses}). */
    boolean concurrentPasses() {
        return passes != null;
    }

    /**
     * The weight with which each loss term this step can report joins {@code total}, in the order
     * {@link #run} records them: {@code total} is the sum of weight × term over the terms an
     * iteration reports. {@code fd} has weight 1 because its λ is applied inside the loss
     * (reference §4); terms off in this step are absent.
     */
    public Map<String, Double> termWeights() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("ce_source", 1.0);
        if (featureDistance != null) {
            weights.put("fd", 1.0);
        }
        if (sourceContrast != null) {
            weights.put("cl_source", sourceContrast.weight());
        }
        if (selfTraining != null) {
            weights.put("ce_mixed", 1.0);
            if (mixedContrast != null) {
                weights.put("cl_mixed", mixedContrast.weight());
            }
            if (masked != null) {
                weights.put("ce_masked", masked.lambda());
                if (masked.contrastive() && mixedContrast != null) {
                    weights.put("cl_masked", mixedContrast.weight());
                }
            }
        }
        return weights;
    }

    /**
     * Runs iteration {@code t}: every temporary lives in {@code step}, which the caller closes;
     * the student's gradients hold the sum of all terms' gradients afterwards.
     *
     * @param source labelled source crops, normalised
     * @param target unlabelled target crops of the same size (ignored without self-training)
     */
    public StepResult run(NDManager step, List<TransformedSample> source, List<TransformedSample> target, long t,
                          Randomness random) {
        return run(step, source, target, t, random, false, StepProfile.OFF);
    }

    /**
     * As {@link #run(NDManager, List, List, long, Randomness)}; with {@code gradientNorms} every
     * weighted term is backpropagated on its own and its gradient norms (encoder, head) are
     * reported in {@link StepResult#gradientNorms()}; {@code profile} times each phase.
     */
    public StepResult run(NDManager step, List<TransformedSample> source, List<TransformedSample> target, long t,
                          Randomness random, boolean gradientNorms, StepProfile profile) {
        LossTerms losses = new LossTerms(t, gradientNorms ? new GradientProbe(student, step) : null);
        boolean contrast = t >= contrastStart;
        long lap = profile.now();

        // 1. EMA teacher (§2.1): updated before any forward pass; at t = 0 a copy of the student.
        if (selfTraining != null) {
            selfTraining.ema().update(selfTraining.teacher(), student, t);
            profile.lap("ema", lap);
        }
        NDArray ys = HostBatch.labels(step, labels(source));
        if (selfTraining == null) {
            sourcePass(step, source, ys, random, contrast, losses, profile, new CompletableFuture<>());
            return losses.result(Double.NaN, Double.NaN);
        }

        // 2-7. The source pass and the self-training passes only read the student's weights and add to its
        //      gradients (a sum, whatever the order), so with concurrent passes they run side by side; the
        //      mixed forward still waits for the source pass's random draws and BatchNorm updates.
        PseudoLabels pseudo;
        if (passes != null && !gradientNorms && profile == StepProfile.OFF) {
            LossTerms mixedLosses = losses.forAnotherThread();
            CompletableFuture<Void> sourceDrawn = new CompletableFuture<>();
            pseudo = passes.run(
                    () -> selfTrainingPasses(step, source, target, ys, random, contrast, mixedLosses, sourceDrawn,
                            profile),
                    () -> sourcePass(step, source, ys, random, contrast, losses, profile, sourceDrawn));
            losses.append(mixedLosses);
        } else {
            CompletableFuture<Void> sourceDrawn = new CompletableFuture<>();
            sourcePass(step, source, ys, random, contrast, losses, profile, sourceDrawn);
            pseudo = selfTrainingPasses(step, source, target, ys, random, contrast, losses, sourceDrawn, profile);
        }

        // 8. Masked image consistency (MIC): block-masked target crops learn the pseudo-labels of the
        //    unmasked ones, with the mixed pass's weights; its gradient joins the step's before the all-reduce.
        if (masked != null) {
            lap = profile.now();
            ParameterStore ps = new ParameterStore(step, false);
            try (NDManager scope = step.newSubManager(); GradRecording recording = GradRecording.start()) {
                StudentPass pass = studentPass(ps, scope, MixedImages.masked(target, random, selfTraining.photometric(),
                        selfTraining.blur(), masked.mask()), false, random);
                losses.add("ce_masked", pass.crossEntropy(pseudo.labels(), pseudo.weights()), masked.lambda());
                if (masked.contrastive() && mixedContrast != null && contrast) {
                    // every pixel of a masked crop is a target pixel
                    losses.add("cl_masked", pass.contrast(mixedContrast, pseudo.labels(),
                            mixedContrast.pixelWeights(pseudo.weights()), pseudo.weights().zerosLike(),
                            random.contrastive()), mixedContrast.weight());
                }
                lap = profile.lap("masked forward and losses", lap);
                losses.backward(recording);
                profile.lap("masked backward", lap);
            }
        }
        return losses.result(pseudo.meanMaxProbability(), mean(pseudo.confidence()));
    }

    /**
     * 2-4. Source pass (§1 steps 2-4): CE, feature distance, source pixel contrast; one backward.
     * Completes {@code drawn} once the pass has made every random draw and BatchNorm update (after the
     * forward, or after the contrast when an anchor cap draws anchors), or exceptionally if it fails first.
     */
    private void sourcePass(NDManager step, List<TransformedSample> source, NDArray ys, Randomness random,
                            boolean contrast, LossTerms losses, StepProfile profile, CompletableFuture<Void> drawn) {
        long lap = profile.now();
        ParameterStore ps = new ParameterStore(step, false);
        // the pass's arrays live in a scope closed after its backward, so they are gone before the next pass
        try (NDManager scope = step.newSubManager(); GradRecording recording = GradRecording.start()) {
            try {
                StudentPass pass = studentPass(ps, scope, images(source), false, random);
                lap = profile.lap("source forward", lap);
                if (sourceContrast == null || !contrast || sourceContrast.single().maxAnchorsPerClass() == 0) {
                    drawn.complete(null); // the rest of the pass draws nothing (no anchor cap) and updates no statistic
                }
                losses.add("ce_source", pass.crossEntropy(ys, null));
                lap = profile.lap("source ce", lap);
                if (featureDistance != null) {
                    NDArray frozen = featureDistance.imagenet().lastStageFeature(ps, pass.encoderInput(), false)
                            .stopGradient();
                    losses.add("fd", featureDistance.loss().compute(pass.lastStage(), frozen, ys));
                    lap = profile.lap("source fd", lap);
                }
                if (sourceContrast != null && contrast) {
                    losses.add("cl_source", pass.contrast(sourceContrast, ys, null, null, random.contrastive()),
                            sourceContrast.weight());
                    lap = profile.lap("source contrast", lap);
                }
            } catch (RuntimeException | Error e) {
                drawn.completeExceptionally(e);
                throw e;
            }
            drawn.complete(null);
            losses.backward(recording);
            profile.lap("source backward", lap);
        }
    }

    /**
     * 5-7. Pseudo-labels, ClassMix and the mixed pass; the mixed forward starts once {@code sourceDrawn}
     * completed. Returns the pseudo-labels, which MIC's pass reuses.
     */
    private PseudoLabels selfTrainingPasses(NDManager step, List<TransformedSample> source,
                                            List<TransformedSample> target, NDArray ys, Randomness random,
                                            boolean contrast, LossTerms losses, CompletableFuture<Void> sourceDrawn,
                                            StepProfile profile) {
        long lap = profile.now();
        ParameterStore ps = new ParameterStore(step, false);
        int h = (int) ys.getShape().get(1);
        int w = (int) ys.getShape().get(2);

        // 5. Pseudo-labels (§2.2-2.3) from the online teacher or stored ones.
        PseudoLabels pseudo = selfTraining.pseudoLabels().label(step, ps, target, h, w);
        lap = profile.lap("pseudo-labels", lap);

        // 6. ClassMix per image (§2.4, §13), then colour jitter and blur on the mixed images (§2.5).
        MixedImages.Batch mixed = MixedImages.classMix(step, source, target, pseudo, random, selfTraining.photometric(),
                selfTraining.blur(), h, w);
        lap = profile.lap("mixing and augmentation", lap);

        // 7. Mixed pass: pseudo-weighted CE and confidence-weighted pixel contrast (§5.6); one backward.
        //    An HRDA student places the mixed images' detail crops by entropy after the start iteration (§5.7).
        boolean entropy = multiResolution != null && multiResolution.entropyCrop() != null
                && losses.iteration() > multiResolution.entropyCropStart();
        sourceDrawn.join();
        try (NDManager scope = step.newSubManager(); GradRecording recording = GradRecording.start()) {
            StudentPass pass = studentPass(ps, scope, mixed.images(), entropy, random);
            lap = profile.lap("mixed forward", lap);
            losses.add("ce_mixed", pass.crossEntropy(mixed.labels(), mixed.weights()));
            lap = profile.lap("mixed ce", lap);
            if (mixedContrast != null && contrast) {
                losses.add("cl_mixed", pass.contrast(mixedContrast, mixed.labels(),
                        mixedContrast.pixelWeights(mixed.weights()), mixed.sourceMask(), random.contrastive()),
                        mixedContrast.weight());
                lap = profile.lap("mixed contrast", lap);
            }
            losses.backward(recording);
            profile.lap("mixed backward", lap);
        }
        return pseudo;
    }

    /** The student's pass on {@code crops}: one resolution, or HRDA's LR context + HR detail. */
    private StudentPass studentPass(ParameterStore ps, NDManager step, List<FloatImage> crops, boolean entropyCrop,
                                    Randomness random) {
        if (multiResolution == null) {
            return new SingleResolution(student, ps, step, crops, grid);
        }
        if (random.detailCrop() == null && !entropyCrop) {
            throw new IllegalArgumentException("a multi-resolution student needs the iteration's detail-crop stream");
        }
        return new MultiResolution(multiResolution, student, ps, step, crops, entropyCrop, random.detailCrop(), grid);
    }

    private static boolean onCpu(SegmentationModel model) {
        return model.getParameters().valueAt(0).getArray().getDevice().getDeviceType().equals(Device.Type.CPU);
    }

    private static double mean(float[] values) {
        double mean = 0;
        for (float v : values) {
            mean += v / values.length;
        }
        return mean;
    }

    private static List<FloatImage> images(List<TransformedSample> samples) {
        return samples.stream().map(TransformedSample::image).toList();
    }

    private static List<LabelMap> labels(List<TransformedSample> samples) {
        return samples.stream().map(TransformedSample::label).toList();
    }

    /** The self-training half of §1 (steps 1 and 5-7): teacher, EMA rule, pseudo-labels, augmentation of mixed images. */
    private record SelfTraining(SegmentationModel teacher, EmaTeacher ema, PseudoLabelSource pseudoLabels,
                                PhotometricAugmentation photometric, boolean blur) {
    }

    private record FeatureDistance(SegmentationModel imagenet, FeatureDistanceLoss loss) {
    }


    private record MaskedConsistency(BlockMask mask, double lambda, boolean contrastive) {
    }

    /**
     * Builds a step. Only the student is required: that alone is supervised source training.
     * {@link #optSelfTraining} adds the teacher and the mixed pass (DAFormer-style), the
     * {@code opt*Contrast} calls add CLUDA's terms.
     */
    public static final class Builder {
        private SegmentationModel student;
        private SelfTraining selfTraining;
        private FeatureDistance featureDistance;
        private ContrastTerm sourceContrast;
        private ContrastTerm mixedContrast;
        private MultiResolutionStudent multiResolution;
        private MaskedConsistency masked;
        private long contrastStart;
        private int grid = 33;
        private boolean concurrentPasses;

        private Builder() {
        }

        /** The trained network; its gradients hold the iteration's sum afterwards. */
        public Builder setStudent(SegmentationModel student) {
            this.student = Objects.requireNonNull(student, "student");
            return this;
        }

        /**
         * Self-training (§2): the EMA teacher (frozen copy of the student), the source of target
         * pseudo-labels, and the colour jitter / blur of mixed images ({@code blur} draws the
         * blur's coin too).
         */
        public Builder optSelfTraining(SegmentationModel teacher, EmaTeacher ema, PseudoLabelSource pseudoLabels,
                                       PhotometricAugmentation photometric, boolean blur) {
            this.selfTraining = new SelfTraining(Objects.requireNonNull(teacher, "teacher"),
                    Objects.requireNonNull(ema, "ema"), Objects.requireNonNull(pseudoLabels, "pseudoLabels"),
                    Objects.requireNonNull(photometric, "photometric"), blur);
            return this;
        }

        /** The ImageNet feature distance (§4) against the frozen initial model {@code imagenet}. */
        public Builder optFeatureDistance(SegmentationModel imagenet, FeatureDistanceLoss loss) {
            this.featureDistance = new FeatureDistance(Objects.requireNonNull(imagenet, "imagenet"),
                    Objects.requireNonNull(loss, "loss"));
            return this;
        }

        /** Pixel contrast on the source pass (§5), added with {@code weight}. */
        public Builder optSourceContrast(PixelContrastiveLoss loss, double weight) {
            return optSourceContrast(loss, null, weight);
        }

        /** As {@link #optSourceContrast(PixelContrastiveLoss, double)}, with §5.4's form for a multi-resolution student. */
        public Builder optSourceContrast(PixelContrastiveLoss loss, MultiResolutionContrastiveLoss multi, double weight) {
            this.sourceContrast = new ContrastTerm(Objects.requireNonNull(loss, "loss"), multi, checkWeight(weight),
                    false);
            return this;
        }

        /** Confidence-weighted pixel contrast on the mixed pass (§5.6), added with {@code weight}; needs self-training. */
        public Builder optMixedContrast(PixelContrastiveLoss loss, double weight) {
            return optMixedContrast(loss, null, weight);
        }

        /** As {@link #optMixedContrast(PixelContrastiveLoss, double)}, with §5.4's form for a multi-resolution student. */
        public Builder optMixedContrast(PixelContrastiveLoss loss, MultiResolutionContrastiveLoss multi, double weight) {
            return optMixedContrast(loss, multi, weight, true);
        }

        /**
         * As {@link #optMixedContrast(PixelContrastiveLoss, MultiResolutionContrastiveLoss, double)};
         * {@code confidenceWeighted = false} counts every pseudo-labelled pixel fully (a diagnostic).
         */
        public Builder optMixedContrast(PixelContrastiveLoss loss, MultiResolutionContrastiveLoss multi, double weight,
                                        boolean confidenceWeighted) {
            this.mixedContrast = new ContrastTerm(Objects.requireNonNull(loss, "loss"), multi, checkWeight(weight),
                    confidenceWeighted);
            return this;
        }

        /**
         * HRDA's multi-resolution student (reference §6.3): every pass sees the LR context and an HR
         * detail crop; the student needs the scale-attention head (and the feature-weight head when
         * {@code settings.featureWeightHead()}), the contrastive terms their multi-resolution form.
         */
        public Builder optMultiResolution(MultiResolutionStudent settings) {
            this.multiResolution = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Masked image consistency (MIC): the student on block-masked target crops learns the
         * pseudo-labels of the unmasked crops, weighted {@code lambda}; with {@code contrastive}
         * the mixed contrastive loss is applied to that pass too. Needs self-training.
         */
        public Builder optMaskedConsistency(BlockMask mask, double lambda, boolean contrastive) {
            this.masked = new MaskedConsistency(Objects.requireNonNull(mask, "mask"), checkWeight(lambda), contrastive);
            return this;
        }

        /** First iteration with the contrastive terms on (default 0). */
        public Builder optContrastStart(long iteration) {
            if (iteration < 0) {
                throw new IllegalArgumentException("contrastive start must be >= 0, got " + iteration);
            }
            this.contrastStart = iteration;
            return this;
        }

        /** Side of the dense contrastive grid (§5.2; default 33). */
        public Builder optGrid(int grid) {
            if (grid < 2) {
                throw new IllegalArgumentException("contrastive grid must be at least 2, got " + grid);
            }
            this.grid = grid;
            return this;
        }

        /**
         * Runs the source pass beside the pseudo-labels and the mixed pass, on two threads of one intra-op
         * thread each, where that can help: a single-resolution self-training step on a CPU with two or more
         * intra-op threads (default off). The results are the same sums; only the order of float additions
         * inside operators changes with the thread count. Gradient probes and profiles keep one thread.
         */
        public Builder optConcurrentPasses(boolean concurrent) {
            this.concurrentPasses = concurrent;
            return this;
        }

        public CludaStep build() {
            if (student == null) {
                throw new IllegalStateException("a CLUDA step needs a student: call setStudent");
            }
            if (multiResolution != null) {
                if (student.getScaleAttentionHead() == null) {
                    throw new IllegalArgumentException("a multi-resolution step needs a student with the scale-attention"
                            + " head (hrda.enabled builds it)");
                }
                for (ContrastTerm term : java.util.Arrays.asList(sourceContrast, mixedContrast)) {
                    if (term != null && term.multi() == null) {
                        throw new IllegalArgumentException("a multi-resolution step needs the multi-resolution form of"
                                + " each contrastive term (reference §5.4)");
                    }
                }
                if (multiResolution.featureWeightHead() && student.getFeatureWeightHead() == null) {
                    throw new IllegalArgumentException("the learned contrastive weight needs the student's feature-weight"
                            + " head");
                }
            }
            if (masked != null && selfTraining == null) {
                throw new IllegalArgumentException("masked image consistency needs self-training (uda.enabled = true)");
            }
            if (mixedContrast != null && selfTraining == null) {
                throw new IllegalArgumentException("the mixed contrastive loss needs self-training (uda.enabled = true)");
            }
            return new CludaStep(this);
        }

        private static double checkWeight(double weight) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("a loss weight must be finite and >= 0, got " + weight);
            }
            return weight;
        }
    }
}
