package dev.cluda.transform;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import dev.cluda.data.Sample;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The training data pipeline of reference §8.3, in mmseg's order: aspect-preserving resize
 * (optional), random crop ({@code cat_max_ratio} for the source only), horizontal flip, to float,
 * ImageNet normalisation, padding to the crop size. An optional valid-pseudo mask (§2.3), built at
 * the input size before cropping, is resized (nearest), cropped, flipped and padded (with 0) with
 * the label. The random draws, in order: the crop box(es), then the flip.
 */
public final class TrainTransform {

    /** An mmseg {@code img_scale} (long, short). */
    public record Scale(int longEdge, int shortEdge) {
        public Scale {
            if (longEdge <= 0 || shortEdge <= 0) {
                throw new IllegalArgumentException("scale must be positive, got (" + longEdge + ", " + shortEdge + ")");
            }
        }
    }

    /**
     * @param scale       resize target, or null to keep the input size
     * @param cropWidth   crop width (512 for DAFormer)
     * @param cropHeight  crop height (512 for DAFormer)
     * @param catMaxRatio 0.75 for the source, 1 (off) for the target
     * @param flipProb    0.5
     */
    public record Config(Scale scale, int cropWidth, int cropHeight, double catMaxRatio, double flipProb) {
        public Config {
            if (cropWidth <= 0 || cropHeight <= 0) {
                throw new IllegalArgumentException("crop size must be positive, got " + cropWidth + "x" + cropHeight);
            }
            if (!(catMaxRatio > 0)) {
                throw new IllegalArgumentException("catMaxRatio must be > 0 (1 disables it), got " + catMaxRatio);
            }
            if (!(flipProb >= 0 && flipProb <= 1)) {
                throw new IllegalArgumentException("flipProb must be in [0, 1], got " + flipProb);
            }
        }

        /** DAFormer's GTA source pipeline: scale (1280, 720), 512x512 crop, cat_max_ratio 0.75, flip 0.5. */
        public static Config daformerGtaSource() {
            return new Config(new Scale(1280, 720), 512, 512, 0.75, 0.5);
        }

        /** DAFormer's Cityscapes target pipeline: scale (1024, 512), 512x512 crop, no class check, flip 0.5. */
        public static Config daformerCityscapesTarget() {
            return new Config(new Scale(1024, 512), 512, 512, 1.0, 0.5);
        }
    }

    private final Config config;
    private final Resize resize;
    private final RandomCrop crop;
    private final Flip flip;
    private final Normalize normalize;
    private final Pad pad;

    public TrainTransform(Config config, Normalize normalize) {
        this.config = Objects.requireNonNull(config, "config");
        this.normalize = Objects.requireNonNull(normalize, "normalize");
        this.resize = config.scale() == null ? null
                : new Resize(config.scale().longEdge(), config.scale().shortEdge());
        this.crop = new RandomCrop(config.cropWidth(), config.cropHeight(), config.catMaxRatio());
        this.flip = new Flip(config.flipProb());
        this.pad = new Pad(config.cropWidth(), config.cropHeight());
    }

    /** With ImageNet normalisation. */
    public TrainTransform(Config config) {
        this(config, Normalize.imageNet());
    }

    public Config config() {
        return config;
    }

    /** Transforms a decoded sample (its label may be absent), without a valid-pseudo mask. */
    public TransformedSample apply(Sample sample, RandomGenerator rng) {
        return apply(sample.image(), sample.trainIds(), null, rng);
    }

    /**
     * @param image     the decoded image
     * @param label     its train-id label at the image size, or null (then catMaxRatio must be 1)
     * @param validMask row-major {@code (H, W)} 0/1 mask at the image size, or null
     */
    public TransformedSample apply(RgbImage image, LabelMap label, float[] validMask, RandomGenerator rng) {
        return apply(image, label, validMask, null, rng);
    }

    /**
     * A target image with its stored pseudo-label and teacher confidence ({@code cluda pseudo-labels}),
     * which are cropped and flipped with the image; padded pixels get confidence 0.
     *
     * @param pseudoLabel train ids at the image size
     * @param confidence row-major {@code (H, W)} max probabilities at the image size
     */
    public TransformedSample applyWithStoredPseudoLabel(RgbImage image, LabelMap pseudoLabel, float[] confidence,
                                                        RandomGenerator rng) {
        Objects.requireNonNull(confidence, "confidence");
        return apply(image, pseudoLabel, null, confidence, rng);
    }

    private TransformedSample apply(RgbImage image, LabelMap label, float[] validMask, float[] confidence,
                                    RandomGenerator rng) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(rng, "rng");
        if (label != null && (label.width() != image.width() || label.height() != image.height())) {
            throw new IllegalArgumentException("label is " + label.width() + "x" + label.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        requirePlane("valid mask", validMask, image);
        requirePlane("confidence", confidence, image);
        int w = image.width();
        int h = image.height();
        if (resize != null) {
            Resize.Size size = resize.targetSize(w, h);
            if (size.width() != w || size.height() != h) {
                image = Resize.bilinear(image, size.width(), size.height());
                label = label == null ? null : Resize.nearest(label, size.width(), size.height());
                validMask = validMask == null ? null
                        : Resize.nearest(validMask, w, h, size.width(), size.height());
                confidence = confidence == null ? null
                        : Resize.nearest(confidence, w, h, size.width(), size.height());
                w = size.width();
                h = size.height();
            }
        }

        CropBox box = crop.chooseBox(w, h, label, rng);
        image = box.crop(image);
        label = label == null ? null : box.crop(label);
        validMask = validMask == null ? null : box.crop(validMask, w, h);
        confidence = confidence == null ? null : box.crop(confidence, w, h);

        if (flip.draw(rng)) {
            image = Flip.horizontal(image);
            label = label == null ? null : Flip.horizontal(label);
            validMask = validMask == null ? null : Flip.horizontal(validMask, box.width(), box.height());
            confidence = confidence == null ? null : Flip.horizontal(confidence, box.width(), box.height());
        }

        FloatImage normalized = pad.apply(normalize.apply(FloatImage.fromRgb(image)));
        LabelMap padLabel = label == null ? null : pad.apply(label);
        float[] padMask = validMask == null ? null : pad.applyToMask(validMask, box.width(), box.height());
        float[] padConfidence = confidence == null ? null : pad.applyToMask(confidence, box.width(), box.height());
        return new TransformedSample(normalized, padLabel, padMask, padConfidence);
    }

    private static void requirePlane(String what, float[] plane, RgbImage image) {
        if (plane != null && plane.length != image.width() * image.height()) {
            throw new IllegalArgumentException(what + " holds " + plane.length + " values, expected "
                    + image.width() + "*" + image.height());
        }
    }
}
