package dev.cluda.uda;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.cluda.data.LabelMap;
import dev.cluda.loss.FeatureDistanceLoss;
import dev.cluda.loss.PixelContrastiveLoss;
import dev.cluda.loss.PixelCrossEntropy;
import dev.cluda.model.Bilinear;
import dev.cluda.model.SegmentationModel;
import dev.cluda.ndarray.Scalars;
import dev.cluda.train.HostBatch;
import dev.cluda.transform.ClassMix;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.MixMask;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.transform.TransformedSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One CLUDA iteration on one rank, in the order of reference §1: EMA teacher update, source pass
 * (CE + ImageNet feature distance + source pixel contrast), pseudo-labels, ClassMix with colour
 * jitter and blur, mixed pass (weighted CE + confidence-weighted pixel contrast). Gradients are
 * left on the student's parameters; the caller averages them across ranks and applies the
 * optimizer. Every term is switchable, so source-only, DAFormer-style and CLUDA are
 * configurations of this one method.
 */
public final class CludaStep {

    /** The random draws of one iteration, derived from (seed, rank, iteration) by the caller. */
    public record Randomness(SplittableRandom classMix, SplittableRandom photometric, SplittableRandom contrastive) {
    }

    private final Terms terms;
    private final SegmentationModel student;
    private final SegmentationModel teacher;
    private final SegmentationModel imagenet;
    private final EmaTeacher ema;
    private final PseudoLabeler pseudoLabeler;
    private final PseudoMargins margins;
    private final PhotometricAugmentation photometric;
    private final PixelContrastiveLoss sourceContrast;
    private final PixelContrastiveLoss mixedContrast;
    private final FeatureDistanceLoss featureDistance;

    /**
     * @param teacher the EMA teacher, or null when {@link Terms#uda()} is off
     * @param imagenet the frozen initial encoder for the feature distance, or null when it is off
     */
    public CludaStep(Terms terms, SegmentationModel student, SegmentationModel teacher, SegmentationModel imagenet,
                     EmaTeacher ema, PseudoLabeler pseudoLabeler, PseudoMargins margins,
                     PhotometricAugmentation photometric, PixelContrastiveLoss sourceContrast,
                     PixelContrastiveLoss mixedContrast, FeatureDistanceLoss featureDistance) {
        if (terms.uda() && (teacher == null || ema == null || pseudoLabeler == null || photometric == null)) {
            throw new IllegalArgumentException("UDA needs a teacher, an EMA rule, a pseudo-labeler and augmentation");
        }
        if (terms.featureDistance() && (imagenet == null || featureDistance == null)) {
            throw new IllegalArgumentException("the feature distance needs the frozen ImageNet model and its loss");
        }
        this.terms = terms;
        this.student = student;
        this.teacher = teacher;
        this.imagenet = imagenet;
        this.ema = ema;
        this.pseudoLabeler = pseudoLabeler;
        this.margins = margins;
        this.photometric = photometric;
        this.sourceContrast = sourceContrast;
        this.mixedContrast = mixedContrast;
        this.featureDistance = featureDistance;
    }

    /**
     * Runs iteration {@code t}: every temporary lives in {@code step}, which the caller closes;
     * the student's gradients hold the sum of all terms' gradients afterwards.
     *
     * @param source labelled source crops, normalised
     * @param target unlabelled target crops of the same size (ignored without UDA)
     */
    public StepResult run(NDManager step, List<TransformedSample> source, List<TransformedSample> target, long t,
                          Randomness random) {
        Map<String, Double> losses = new LinkedHashMap<>();
        ParameterStore ps = new ParameterStore(step, false);

        // 1. EMA teacher (§2.1): updated before any forward pass; at t = 0 a copy of the student.
        if (terms.uda()) {
            ema.update(teacher, student, t);
        }

        // 2-4. Source pass (§1 steps 2-4): CE, feature distance, source pixel contrast; one backward.
        NDArray xs = HostBatch.images(step, images(source));
        NDArray ys = HostBatch.labels(step, labels(source));
        long h = ys.getShape().get(1);
        long w = ys.getShape().get(2);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            SegmentationModel.Output out = student.forwardAll(ps, xs, true);
            NDArray total = record(losses, "ce_source", t,
                    PixelCrossEntropy.compute(Bilinear.resize(out.logits(), h, w, false), ys));
            if (terms.featureDistance()) {
                NDArray frozen = imagenet.lastStageFeature(ps, xs, false).stopGradient();
                total = total.add(record(losses, "fd", t, featureDistance.compute(out.lastStage(), frozen, ys)));
            }
            if (terms.sourceContrast() && t >= terms.contrastStart()) {
                NDArray cl = sourceContrast.compute(grid(out.fused()), Bilinear.nearest(ys, terms.grid(), terms.grid()));
                total = total.add(Scalars.mul(record(losses, "cl_source", t, cl), terms.sourceContrastWeight()));
            }
            gc.backward(total);
        }
        if (!terms.uda()) {
            return new StepResult(withTotal(losses), Double.NaN, Double.NaN);
        }

        // 5. Pseudo-labels (§2.2-2.3): teacher without dropout, BatchNorm in batch mode as released;
        //    or stored ones (uda.pseudoLabels = precomputed), which the target crops carry.
        PseudoLabels pseudo;
        if (target.get(0).label() == null) {
            NDArray xt = HostBatch.images(step, images(target));
            teacher.setDropoutEnabled(false);
            NDArray teacherLogits = teacher.forward(ps, new ai.djl.ndarray.NDList(xt), terms.teacherBatchStats()).get(0);
            pseudo = pseudoLabeler.label(Bilinear.resize(teacherLogits, h, w, false).stopGradient(), margins);
        } else {
            NDArray confidence = HostBatch.planes(step, target.stream().map(TransformedSample::validMask).toList(),
                    (int) h, (int) w);
            pseudo = pseudoLabeler.fromProbabilities(confidence, HostBatch.labels(step, labels(target)),
                    margins.validityMask(step, (int) w, (int) h));
        }
        float[] q = pseudo.confidence();

        // 6. ClassMix per image (§2.4, §13), then colour jitter and blur on the mixed images (§2.5).
        double uJitter = random.photometric().nextDouble();
        double uBlur = terms.blur() ? random.photometric().nextDouble() : 0;
        List<FloatImage> mixedImages = new ArrayList<>();
        List<LabelMap> mixedLabels = new ArrayList<>();
        List<float[]> mixedWeights = new ArrayList<>();
        List<float[]> sourceMasks = new ArrayList<>();
        float[] weights = pseudo.weights().toFloatArray();
        int plane = (int) (h * w);
        for (int b = 0; b < source.size(); b++) {
            MixMask mask = ClassMix.classMask(source.get(b).label(), random.classMix());
            float[] targetWeight = java.util.Arrays.copyOfRange(weights, b * plane, (b + 1) * plane);
            ClassMix.Mixed mixed = ClassMix.mix(mask, source.get(b).image(), source.get(b).label(),
                    target.get(b).image(), HostBatch.labelMap(pseudo.labels(), b), targetWeight);
            mixedImages.add(photometric.apply(mixed.image(), uJitter, uBlur, random.photometric()));
            mixedLabels.add(mixed.label());
            mixedWeights.add(mixed.weight());
            sourceMasks.add(mask.values());
        }

        // 7. Mixed pass: pseudo-weighted CE and confidence-weighted pixel contrast (§5.6); one backward.
        NDArray xm = HostBatch.images(step, mixedImages);
        NDArray ym = HostBatch.labels(step, mixedLabels);
        NDArray wm = HostBatch.planes(step, mixedWeights, (int) h, (int) w);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            SegmentationModel.Output out = student.forwardAll(ps, xm, true);
            NDArray total = record(losses, "ce_mixed", t,
                    PixelCrossEntropy.compute(Bilinear.resize(out.logits(), h, w, false), ym, wm));
            if (terms.mixedContrast() && t >= terms.contrastStart()) {
                int g = terms.grid();
                NDArray pi = Bilinear.resize(wm.expandDims(1), g, g, true).squeeze(1);
                // Source pixels are where ClassMix pasted (mask 1); the loss's domain codes are 0/1.
                NDArray isSource = HostBatch.planes(step, sourceMasks, (int) h, (int) w);
                // domain = 1 - isSource, since PixelContrastiveLoss.SOURCE = 0 and TARGET = 1
                NDArray domains = Bilinear.nearest(isSource, g, g).neg().add(1).toType(DataType.INT32, false);
                NDArray cl = mixedContrast.compute(grid(out.fused()), Bilinear.nearest(ym, g, g), pi, domains,
                        random.contrastive());
                total = total.add(Scalars.mul(record(losses, "cl_mixed", t, cl), terms.mixedContrastWeight()));
            }
            gc.backward(total);
        }
        double meanQ = 0;
        for (float v : q) {
            meanQ += v / q.length;
        }
        return new StepResult(withTotal(losses), pseudo.meanMaxProbability(), meanQ);
    }

    /** Fused features on the dense contrastive grid, L2-normalised per pixel (§5.1-5.2: align_corners = True). */
    private NDArray grid(NDArray fused) {
        return PixelContrastiveLoss.l2NormalizePerPixel(Bilinear.resize(fused, terms.grid(), terms.grid(), true));
    }

    private static NDArray record(Map<String, Double> losses, String name, long t, NDArray value) {
        double v = value.getFloat();
        if (!Double.isFinite(v)) {
            throw new NonFiniteLossException(name, t, v);
        }
        losses.put(name, v);
        return value;
    }

    private Map<String, Double> withTotal(Map<String, Double> losses) {
        double total = 0;
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            double weight = switch (e.getKey()) {
                case "cl_source" -> terms.sourceContrastWeight();
                case "cl_mixed" -> terms.mixedContrastWeight();
                default -> 1;
            };
            total += weight * e.getValue();
        }
        Map<String, Double> out = new LinkedHashMap<>(losses);
        out.put("total", total);
        return out;
    }

    private static List<FloatImage> images(List<TransformedSample> samples) {
        return samples.stream().map(TransformedSample::image).toList();
    }

    private static List<LabelMap> labels(List<TransformedSample> samples) {
        return samples.stream().map(TransformedSample::label).toList();
    }

    /**
     * Which terms of the iteration run.
     *
     * @param uda EMA teacher, pseudo-labels, ClassMix and the mixed pass (off: supervised source only)
     * @param contrastStart first iteration with the contrastive terms on
     * @param grid side of the dense contrastive grid (§5.2)
     */
    public record Terms(boolean uda, boolean featureDistance, boolean sourceContrast, boolean mixedContrast,
                        double sourceContrastWeight, double mixedContrastWeight, long contrastStart, int grid,
                        boolean teacherBatchStats, boolean blur) {

        public Terms {
            if (mixedContrast && !uda) {
                throw new IllegalArgumentException("the mixed contrastive loss needs UDA (uda.enabled = true)");
            }
            if (grid < 2) {
                throw new IllegalArgumentException("contrastive grid must be at least 2, got " + grid);
            }
        }
    }
}
