package dev.cluda.synth;

import java.util.SplittableRandom;

/**
 * The three generated splits: the labelled source (GTA5 layout) and the target's train and val
 * splits (Cityscapes layout). Each image draws its randomness from (seed, split, index, stream),
 * so any image can be generated alone, in any order, on any thread.
 */
enum SynthSplit {
    SOURCE(false, ""),
    TARGET_TRAIN(true, "train"),
    TARGET_VAL(true, "val");

    /** Stream key of the scene layout. */
    static final long LAYOUT_STREAM = 1L;
    /** Stream key of the rendering (per-instance tints, illumination, noise). */
    static final long RENDER_STREAM = 2L;

    private final boolean target;
    private final String cityscapesSplit;

    SynthSplit(boolean target, String cityscapesSplit) {
        this.target = target;
        this.cityscapesSplit = cityscapesSplit;
    }

    /** True for the target (camera-style) splits. */
    public boolean isTarget() {
        return target;
    }

    /** The Cityscapes split folder name ({@code train}, {@code val}); empty for the source. */
    public String cityscapesSplit() {
        return cityscapesSplit;
    }

    /** A random source for one image and one purpose; a pure function of its arguments. */
    SplittableRandom random(long seed, int index, long stream) {
        long h = mix(seed ^ 0x5DEECE66DL);
        h = mix(h + 0x9E3779B97F4A7C15L * (ordinal() + 1));
        h = mix(h + 0xC2B2AE3D27D4EB4FL * ((long) index + 1));
        h = mix(h + 0x165667B19E3779F9L * stream);
        return new SplittableRandom(h);
    }

    /** SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
