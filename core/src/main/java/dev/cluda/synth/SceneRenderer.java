package dev.cluda.synth;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.RgbImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders a {@link Scene} to RGB in the source ("game") or target ("camera") style.
 *
 * <p>Style strength {@code s} in [0, 1] interpolates every appearance difference: s = 0 is the
 * source look (one flat colour per class, each instance tinted by up to ±12 levels); s = 1 adds
 * the full target look, applied in this order: class colours moved to {@link Palettes#target},
 * per-instance tints up to ±20, per-class {@link Textures}, a per-image illumination (brightness
 * 0.85–1.05, warm colour cast, top-to-bottom gradient of about ±10 %), a 3×3 binomial blur and sensor
 * noise (σ ≈ 8 levels per channel). Each effect is scaled (or blended) by s. Every random number
 * is drawn whatever s is, so a scene rendered at two strengths differs only by the style.
 */
final class SceneRenderer {

    private static final double SOURCE_TINT = 12;
    private static final double TARGET_TINT = 20;
    private static final double NOISE_SIGMA = 8;

    private SceneRenderer() {
    }

    /** The source rendering of image {@code index}; same as {@link #render} at strength 0. */
    public static RgbImage renderSource(Scene scene, long seed, int index) {
        return render(scene, 0.0, SynthSplit.SOURCE.random(seed, index, SynthSplit.RENDER_STREAM));
    }

    /** The target rendering of image {@code index} of {@code split} at {@code styleStrength}. */
    public static RgbImage renderTarget(Scene scene, double styleStrength, long seed, SynthSplit split, int index) {
        return render(scene, styleStrength, split.random(seed, index, SynthSplit.RENDER_STREAM));
    }

    /**
     * Renders {@code scene} at style strength {@code s} (0 = source look, 1 = full target look),
     * drawing all randomness from {@code rng}.
     */
    public static RgbImage render(Scene scene, double s, SplittableRandom rng) {
        if (!(s >= 0.0 && s <= 1.0)) {
            throw new IllegalArgumentException("style strength must be in [0, 1], got " + s);
        }
        int w = scene.width();
        int h = scene.height();
        List<Scene.Instance> instances = scene.instances();
        double[][] tints = new double[instances.size() + 1][3];
        for (int i = 1; i < tints.length; i++) {
            for (int ch = 0; ch < 3; ch++) {
                tints[i][ch] = 2 * rng.nextDouble() - 1;
            }
        }
        long phase = rng.nextLong();
        double brightness = 0.85 + 0.20 * rng.nextDouble();
        double[] cast = {1.05 + 0.03 * (2 * rng.nextDouble() - 1), 1.0, 0.93 + 0.03 * (2 * rng.nextDouble() - 1)};
        double gradient = 0.10 * (0.7 + 0.6 * rng.nextDouble());
        long noiseSeed = rng.nextLong();

        double[][] base = new double[CityscapesClass.COUNT][3];
        for (int c = 0; c < base.length; c++) {
            int[] src = Palettes.source(c);
            int[] tgt = Palettes.target(c);
            for (int ch = 0; ch < 3; ch++) {
                base[c][ch] = src[ch] + s * (tgt[ch] - src[ch]);
            }
        }
        double tint = SOURCE_TINT + s * (TARGET_TINT - SOURCE_TINT);

        float[] lit = new float[w * h * 3];
        byte[] labels = scene.labels().ids();
        int[] instanceIds = scene.instanceIds();
        for (int y = 0; y < h; y++) {
            double rowLight = brightness * (1 + gradient * (1 - 2.0 * y / (h - 1)));
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int c = labels[p] & 0xFF;
                int inst = instanceIds[p];
                Scene.Instance box = inst == 0 ? null : instances.get(inst - 1);
                double texture = s == 0 ? 0 : s * Textures.offset(c, x, y, box, phase);
                for (int ch = 0; ch < 3; ch++) {
                    double v = base[c][ch] + tint * tints[inst][ch] + texture;
                    double light = 1 + s * (rowLight * cast[ch] - 1);
                    lit[p * 3 + ch] = (float) (v * light);
                }
            }
        }
        float[] blurred = s == 0 ? lit : blur(lit, w, h, s);
        RgbImage out = RgbImage.blank(w, h);
        byte[] rgb = out.rgb();
        double noise = NOISE_SIGMA * s * Math.sqrt(6); // triangular noise of standard deviation sigma*s
        SplittableRandom noiseRng = new SplittableRandom(noiseSeed);
        for (int i = 0; i < rgb.length; i++) {
            double n = noise * (noiseRng.nextDouble() + noiseRng.nextDouble() - 1);
            long v = Math.round(blurred[i] + n);
            rgb[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return out;
    }

    /** Blends {@code img} with its 3×3 binomial blur (weights 1 2 1, edges clamped) by {@code amount}. */
    static float[] blur(float[] img, int w, int h, double amount) {
        float[] horizontal = new float[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int left = Math.max(0, x - 1);
                int right = Math.min(w - 1, x + 1);
                for (int ch = 0; ch < 3; ch++) {
                    horizontal[(y * w + x) * 3 + ch] = (img[(y * w + left) * 3 + ch]
                            + 2 * img[(y * w + x) * 3 + ch] + img[(y * w + right) * 3 + ch]) / 4f;
                }
            }
        }
        float[] out = new float[img.length];
        float a = (float) amount;
        for (int y = 0; y < h; y++) {
            int up = Math.max(0, y - 1);
            int down = Math.min(h - 1, y + 1);
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    int i = (y * w + x) * 3 + ch;
                    float b = (horizontal[(up * w + x) * 3 + ch] + 2 * horizontal[i]
                            + horizontal[(down * w + x) * 3 + ch]) / 4f;
                    out[i] = img[i] + a * (b - img[i]);
                }
            }
        }
        return out;
    }
}
