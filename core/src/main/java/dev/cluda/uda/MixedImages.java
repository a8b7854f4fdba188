package dev.cluda.uda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cluda.data.LabelMap;
import dev.cluda.transform.BlockMask;
import dev.cluda.transform.ClassMix;
import dev.cluda.transform.FloatImage;
import dev.cluda.transform.MixMask;
import dev.cluda.transform.PhotometricAugmentation;
import dev.cluda.transform.TransformedSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The images the self-training passes learn from: ClassMix's mixed batch (§2.4-2.5) and MIC's masked crops. */
final class MixedImages {

    private MixedImages() {
    }

    /**
     * The mixed images of §2.4-2.5: per image a ClassMix mask from the source label, the pasted
     * image, label and pseudo-label weight, then colour jitter and blur with one draw per batch.
     */
    static Batch classMix(NDManager step, List<TransformedSample> source, List<TransformedSample> target,
                          PseudoLabels pseudo, CludaStep.Randomness random, PhotometricAugmentation photometric,
                          boolean blur, int h, int w) {
        double uJitter = random.photometric().nextDouble();
        double uBlur = blur ? random.photometric().nextDouble() : 0;
        List<FloatImage> images = new ArrayList<>();
        List<LabelMap> labels = new ArrayList<>();
        List<float[]> weights = new ArrayList<>();
        List<float[]> sourceMasks = new ArrayList<>();
        float[] targetWeights = pseudo.weights().toFloatArray();
        int plane = h * w;
        for (int b = 0; b < source.size(); b++) {
            MixMask mask = ClassMix.classMask(source.get(b).label(), random.classMix());
            ClassMix.Mixed m = ClassMix.mix(mask, source.get(b).image(), source.get(b).label(), target.get(b).image(),
                    HostBatch.labelMap(pseudo.labels(), b),
                    Arrays.copyOfRange(targetWeights, b * plane, (b + 1) * plane));
            images.add(photometric.apply(m.image(), uJitter, uBlur, random.photometric()));
            labels.add(m.label());
            weights.add(m.weight());
            sourceMasks.add(mask.values());
        }
        return new Batch(images, HostBatch.labels(step, labels), HostBatch.planes(step, weights, h, w),
                HostBatch.planes(step, sourceMasks, h, w));
    }

    /**
     * MIC's masked images: each target crop with the mixed images' colour jitter and blur (fresh
     * draws), then a block mask, all from the masking stream.
     */
    static List<FloatImage> masked(List<TransformedSample> target, CludaStep.Randomness random,
                                   PhotometricAugmentation photometric, boolean blur, BlockMask mask) {
        if (random.masking() == null) {
            throw new IllegalArgumentException("the masked pass needs the iteration's masking stream");
        }
        double uJitter = random.masking().nextDouble();
        double uBlur = blur ? random.masking().nextDouble() : 0;
        List<FloatImage> out = new ArrayList<>(target.size());
        for (TransformedSample t : target) {
            FloatImage augmented = photometric.apply(t.image(), uJitter, uBlur, random.masking());
            out.add(mask.apply(augmented, random.masking()));
        }
        return out;
    }

    /**
     * A mixed batch: the host images (a multi-resolution student resizes and crops them), labels,
     * weights and the ClassMix source mask (1 where source pixels were pasted) on the step's manager.
     */
    record Batch(List<FloatImage> images, NDArray labels, NDArray weights, NDArray sourceMask) {
    }
}
