package dev.cluda.transform;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The strong augmentation of a mixed image (reference §2.5, DAFormer {@code strong_transform}):
 * with two uniforms u_c, u_b drawn once per iteration and shared by its images, colour jitter runs
 * if {@code u_c > p} and Gaussian blur if {@code u_b > 0.5}, both on the de-normalised [0, 1] image,
 * which is then normalised again. Jitter factors and σ are drawn per image from {@code rng}.
 */
public final class PhotometricAugmentation {

    /** Blur runs when u_b exceeds this (hard-coded in DAFormer). */
    public static final double BLUR_THRESHOLD = 0.5;

    private final Normalize normalize;
    private final ColorJitter jitter;
    private final double jitterThreshold;

    /**
     * @param strength        jitter strength s (0.2 in DAFormer)
     * @param jitterThreshold p: jitter runs when u_c > p (0.2 in DAFormer)
     */
    public PhotometricAugmentation(Normalize normalize, double strength, double jitterThreshold) {
        this.normalize = Objects.requireNonNull(normalize, "normalize");
        this.jitter = new ColorJitter(strength);
        if (!(jitterThreshold >= 0 && jitterThreshold <= 1)) {
            throw new IllegalArgumentException("jitter threshold p must be in [0, 1], got " + jitterThreshold);
        }
        this.jitterThreshold = jitterThreshold;
    }

    /** DAFormer's setting: ImageNet normalisation, s = 0.2, p = 0.2. */
    public static PhotometricAugmentation daformer() {
        return new PhotometricAugmentation(Normalize.imageNet(), 0.2, 0.2);
    }

    public double strength() {
        return jitter.strength();
    }

    public double jitterThreshold() {
        return jitterThreshold;
    }

    public boolean jitters(double uC) {
        return uC > jitterThreshold;
    }

    public boolean blurs(double uB) {
        return uB > BLUR_THRESHOLD;
    }

    /**
     * Augments one normalised {@code (3, H, W)} image; returns {@code normalized} itself when neither
     * operation runs, otherwise a new normalised image. Labels are not touched by this step.
     *
     * @param uC  this iteration's jitter uniform in [0, 1)
     * @param uB  this iteration's blur uniform in [0, 1)
     * @param rng source of this image's jitter factors and σ
     */
    public FloatImage apply(FloatImage normalized, double uC, double uB, RandomGenerator rng) {
        boolean doJitter = jitters(uC);
        boolean doBlur = blurs(uB);
        if (!doJitter && !doBlur) {
            return normalized;
        }
        FloatImage unit = normalize.toUnit(normalized);
        if (doJitter) {
            unit = jitter.apply(unit, rng);
        }
        if (doBlur) {
            unit = GaussianBlur.apply(unit, rng);
        }
        return normalize.fromUnit(unit);
    }
}
