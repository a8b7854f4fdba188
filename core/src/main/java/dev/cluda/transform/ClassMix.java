package dev.cluda.transform;

import dev.cluda.data.LabelMap;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * ClassMix (reference §2.4, DAFormer {@code get_class_masks} and {@code one_mix}) with the §13
 * decision "per image": the classes come from this image's own source label, not the whole
 * batch's. As in DAFormer the set U of unique values includes 255 when the label has ignore
 * pixels, so an ignore region can be pasted too (and then carries label 255 and weight 1).
 * ceil(|U| / 2) values are drawn uniformly without replacement. Mixing, per pixel:
 * {@code x = M x_S + (1 - M) x_T}, {@code y = M y_S + (1 - M) ŷ_T}, {@code w = M + (1 - M) w_T}.
 */
public final class ClassMix {

    /** A mixed image, label and pixel weight map (row-major {@code (H, W)}). */
    public record Mixed(FloatImage image, LabelMap label, float[] weight) {
    }

    private ClassMix() {
    }

    /** The sorted unique values of a label, 255 included when present. */
    public static int[] uniqueValues(LabelMap label) {
        long[] counts = label.histogram();
        return java.util.stream.IntStream.range(0, 256).filter(v -> counts[v] > 0).toArray();
    }

    /** Draws ceil(|U| / 2) of the label's unique values and marks their pixels with 1. */
    public static MixMask classMask(LabelMap sourceLabel, RandomGenerator rng) {
        int[] unique = uniqueValues(sourceLabel);
        int n = unique.length;
        int take = (n + n % 2) / 2;
        int[] pool = unique.clone();
        for (int i = 0; i < take; i++) { // partial Fisher-Yates: uniform without replacement
            int j = i + rng.nextInt(n - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int[] chosen = Arrays.copyOf(pool, take);
        Arrays.sort(chosen);
        return maskOf(sourceLabel, chosen);
    }

    /** The mask that is 1 exactly where the label holds one of {@code classes}. */
    public static MixMask maskOf(LabelMap label, int[] classes) {
        boolean[] member = new boolean[256];
        for (int c : classes) {
            if (c < 0 || c > 255) {
                throw new IllegalArgumentException("class values are 0..255, got " + c);
            }
            member[c] = true;
        }
        byte[] ids = label.ids();
        float[] m = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            m[i] = member[ids[i] & 0xFF] ? 1f : 0f;
        }
        return new MixMask(label.width(), label.height(), m, classes.clone());
    }

    /** Mixes image, label and weight in one call; see the class comment. */
    public static Mixed mix(MixMask mask, FloatImage sourceImage, LabelMap sourceLabel,
                            FloatImage targetImage, LabelMap targetPseudoLabel, float[] targetWeight) {
        return new Mixed(mixImages(mask, sourceImage, targetImage),
                mixLabels(mask, sourceLabel, targetPseudoLabel),
                mixWeights(mask, targetWeight));
    }

    /** {@code M x_S + (1 - M) x_T} for every channel of two {@code (C, H, W)} images. */
    public static FloatImage mixImages(MixMask mask, FloatImage source, FloatImage target) {
        if (source.channels() != target.channels()) {
            throw new IllegalArgumentException("source has " + source.channels() + " channels, target "
                    + target.channels());
        }
        checkSize(mask, source.width(), source.height(), "source image");
        checkSize(mask, target.width(), target.height(), "target image");
        float[] m = mask.values();
        int plane = m.length;
        float[] s = source.data();
        float[] t = target.data();
        float[] out = new float[s.length];
        for (int c = 0; c < source.channels(); c++) {
            int base = c * plane;
            for (int p = 0; p < plane; p++) {
                out[base + p] = m[p] * s[base + p] + (1 - m[p]) * t[base + p];
            }
        }
        return new FloatImage(source.channels(), source.height(), source.width(), out);
    }

    /** The source label where M = 1, the target pseudo-label elsewhere (M is 0/1). */
    public static LabelMap mixLabels(MixMask mask, LabelMap source, LabelMap targetPseudo) {
        checkSize(mask, source.width(), source.height(), "source label");
        checkSize(mask, targetPseudo.width(), targetPseudo.height(), "target pseudo-label");
        float[] m = mask.values();
        byte[] out = new byte[m.length];
        for (int p = 0; p < m.length; p++) {
            out[p] = m[p] >= 0.5f ? source.ids()[p] : targetPseudo.ids()[p];
        }
        return new LabelMap(mask.width(), mask.height(), out);
    }

    /** {@code M * 1 + (1 - M) w_T}: source pixels get full weight. */
    public static float[] mixWeights(MixMask mask, float[] targetWeight) {
        float[] m = mask.values();
        if (targetWeight.length != m.length) {
            throw new IllegalArgumentException("target weight holds " + targetWeight.length
                    + " values, the mask " + m.length);
        }
        float[] out = new float[m.length];
        for (int p = 0; p < m.length; p++) {
            out[p] = m[p] + (1 - m[p]) * targetWeight[p];
        }
        return out;
    }

    private static void checkSize(MixMask mask, int w, int h, String what) {
        if (w != mask.width() || h != mask.height()) {
            throw new IllegalArgumentException(what + " is " + w + "x" + h + " but the mask is "
                    + mask.width() + "x" + mask.height() + "; crop source and target to the same size");
        }
    }
}
