package dev.cluda.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhotometricAugmentationTest {

    private final PhotometricAugmentation aug = PhotometricAugmentation.daformer();
    private final Normalize norm = Normalize.imageNet();

    private FloatImage randomNormalized(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        FloatImage img = FloatImage.zeros(3, 21, 23);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = rng.nextInt(256);
        }
        return norm.apply(img);
    }

    @Test
    void thresholds_strictlyGreater() {
        assertFalse(aug.jitters(0.2));
        assertTrue(aug.jitters(0.2001));
        assertFalse(aug.blurs(0.5));
        assertTrue(aug.blurs(0.5001));
    }

    @Test
    void apply_neitherDrawPasses_sameImage() {
        FloatImage img = randomNormalized(1);
        assertSame(img, aug.apply(img, 0.1, 0.4, new ScriptedRandom()));
    }

    @Test
    void apply_jitterOnly_jitterOnDenormalisedThenRenormalised() {
        FloatImage img = randomNormalized(2);
        FloatImage out = aug.apply(img, 0.9, 0.1, new SplittableRandom(7));
        var factors = new ColorJitter(0.2).sample(new SplittableRandom(7));
        FloatImage expected = norm.fromUnit(ColorJitter.apply(norm.toUnit(img), factors));
        assertArrayEquals(expected.data(), out.data(), 1e-5f);
    }

    @Test
    void apply_blurOnly_equalsBlurOfNormalisedImage() {
        // blur is linear with a kernel summing to 1 and a reflect border, so it commutes with (de)normalising
        FloatImage img = randomNormalized(3);
        FloatImage out = aug.apply(img, 0.0, 0.9, new SplittableRandom(8));
        FloatImage expected = GaussianBlur.apply(img, new SplittableRandom(8));
        assertArrayEquals(expected.data(), out.data(), 1e-4f);
    }

    @Test
    void apply_both_jitterThenBlur() {
        FloatImage img = randomNormalized(4);
        FloatImage out = aug.apply(img, 0.9, 0.9, new SplittableRandom(9));
        SplittableRandom rng = new SplittableRandom(9);
        FloatImage unit = new ColorJitter(0.2).apply(norm.toUnit(img), rng);
        FloatImage expected = norm.fromUnit(GaussianBlur.apply(unit, rng));
        assertArrayEquals(expected.data(), out.data(), 1e-5f);
    }
}
