package dev.cluda.synth;

/**
 * What to generate: the seed, how many images per split, their size and how strong the target's
 * appearance shift is.
 *
 * <p>The defaults ({@link #defaults()}) are sized for training on two CPU cores: 256×128 images,
 * 300 source, 300 target-train and 100 target-val images, full style shift, seed 1. Writing them
 * takes a few seconds.
 *
 * @param seed              the benchmark's seed; every image is seeded from (seed, split, index)
 * @param sourceImages      source images in the GTA5 layout, 1..99999
 * @param targetTrainImages target training images in the Cityscapes layout, 1..999999
 * @param targetValImages   target validation images in the Cityscapes layout, 1..999999
 * @param width             image width in pixels, 32..4096
 * @param height            image height in pixels, 32..4096
 * @param styleStrength     target appearance shift in [0, 1]: 0 renders the target like the
 *                          source, 1 is the full shift; layouts do not depend on it
 */
public record SynthSpec(long seed, int sourceImages, int targetTrainImages, int targetValImages,
                        int width, int height, double styleStrength) {

    /** Default seed of {@link #defaults()}. */
    public static final long DEFAULT_SEED = 1L;
    /** Default source image count. */
    public static final int DEFAULT_SOURCE_IMAGES = 300;
    /** Default target training image count. */
    public static final int DEFAULT_TARGET_TRAIN_IMAGES = 300;
    /** Default target validation image count. */
    public static final int DEFAULT_TARGET_VAL_IMAGES = 100;
    /** Default image width. */
    public static final int DEFAULT_WIDTH = 256;
    /** Default image height. */
    public static final int DEFAULT_HEIGHT = 128;
    /** Default style strength (the full shift). */
    public static final double DEFAULT_STYLE_STRENGTH = 1.0;

    static final int MAX_SOURCE_IMAGES = 99_999;
    static final int MAX_TARGET_IMAGES = 999_999;
    static final int MIN_SIZE = 32;
    static final int MAX_SIZE = 4096;

    public SynthSpec {
        checkCount("sourceImages", sourceImages, MAX_SOURCE_IMAGES,
                "(the GTA5 layout numbers files with five digits)");
        checkCount("targetTrainImages", targetTrainImages, MAX_TARGET_IMAGES,
                "(the Cityscapes layout numbers frames with six digits)");
        checkCount("targetValImages", targetValImages, MAX_TARGET_IMAGES,
                "(the Cityscapes layout numbers frames with six digits)");
        checkSize("width", width);
        checkSize("height", height);
        if (!(styleStrength >= 0.0 && styleStrength <= 1.0)) {
            throw new IllegalArgumentException("styleStrength must be in [0, 1] (0 = no appearance shift, "
                    + "1 = full shift), got " + styleStrength);
        }
    }

    /** The documented defaults (see the class comment). */
    public static SynthSpec defaults() {
        return new SynthSpec(DEFAULT_SEED, DEFAULT_SOURCE_IMAGES, DEFAULT_TARGET_TRAIN_IMAGES,
                DEFAULT_TARGET_VAL_IMAGES, DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_STYLE_STRENGTH);
    }

    public SynthSpec withSeed(long newSeed) {
        return new SynthSpec(newSeed, sourceImages, targetTrainImages, targetValImages, width, height, styleStrength);
    }

    public SynthSpec withCounts(int source, int targetTrain, int targetVal) {
        return new SynthSpec(seed, source, targetTrain, targetVal, width, height, styleStrength);
    }

    public SynthSpec withSize(int newWidth, int newHeight) {
        return new SynthSpec(seed, sourceImages, targetTrainImages, targetValImages, newWidth, newHeight, styleStrength);
    }

    public SynthSpec withStyleStrength(double strength) {
        return new SynthSpec(seed, sourceImages, targetTrainImages, targetValImages, width, height, strength);
    }

    /** Number of images of {@code split}. */
    public int count(SynthSplit split) {
        return switch (split) {
            case SOURCE -> sourceImages;
            case TARGET_TRAIN -> targetTrainImages;
            case TARGET_VAL -> targetValImages;
        };
    }

    private static void checkCount(String field, int value, int max, String why) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(field + " must be in 1.." + max + " " + why + ", got " + value);
        }
    }

    private static void checkSize(String field, int value) {
        if (value < MIN_SIZE || value > MAX_SIZE) {
            throw new IllegalArgumentException(field + " must be in " + MIN_SIZE + ".." + MAX_SIZE
                    + " pixels, got " + value);
        }
    }
}
