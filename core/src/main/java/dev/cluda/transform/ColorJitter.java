package dev.cluda.transform;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * kornia 0.5 {@code ColorJitter(brightness=s, contrast=s, saturation=s, hue=s)} on a {@code (3, H, W)}
 * RGB image in [0, 1] (reference §2.5). Brightness adds {@code f - 1}, contrast multiplies by its
 * factor, saturation multiplies the HSV saturation (clamped to [0, 1]) and hue shifts the HSV hue by
 * {@code h * 2π}; the four run in a random order and every step clamps to [0, 1] as kornia does.
 * kornia divides the saturation by {@code v + eps}; here it is {@code delta / v} (0 where v = 0).
 */
final class ColorJitter {

    /** The four operations, in kornia's index order. */
    public enum Op { BRIGHTNESS, CONTRAST, SATURATION, HUE }

    /**
     * One draw of the jitter parameters.
     *
     * @param brightness kornia's brightness factor f; the image is shifted by {@code f - 1}
     * @param contrast   multiplier of every value
     * @param saturation multiplier of the HSV saturation
     * @param hue        hue shift as a fraction of a turn (kornia's h; the angle is {@code h * 2π})
     * @param order      the four operations in the order they run, each exactly once
     */
    public record Factors(double brightness, double contrast, double saturation, double hue, List<Op> order) {
        public Factors {
            order = List.copyOf(order);
            if (order.size() != 4 || !order.containsAll(List.of(Op.values()))) {
                throw new IllegalArgumentException("order must hold each of " + List.of(Op.values())
                        + " once, got " + order);
            }
        }
    }

    private final double strength;

    /** @param strength s of reference §2.5 (0.2): factors in [1 - s, 1 + s], hue in [-s, s] */
    public ColorJitter(double strength) {
        if (!(strength >= 0 && strength <= 0.5)) {
            throw new IllegalArgumentException("jitter strength must be in [0, 0.5] (hue is limited to half a "
                    + "turn), got " + strength);
        }
        this.strength = strength;
    }

    public double strength() {
        return strength;
    }

    /** Draws brightness, contrast, saturation in {@code [max(0, 1 - s), 1 + s]}, hue in [-s, s] and an order. */
    public Factors sample(RandomGenerator rng) {
        double low = Math.max(0, 1 - strength);
        double high = 1 + strength;
        double b = uniform(rng, low, high);
        double c = uniform(rng, low, high);
        double s = uniform(rng, low, high);
        double h = uniform(rng, -strength, strength);
        Op[] order = Op.values().clone();
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Op t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Factors(b, c, s, h, List.of(order));
    }

    /** Jitters a [0, 1] image with freshly drawn factors; a new image. */
    public FloatImage apply(FloatImage unitImage, RandomGenerator rng) {
        return apply(unitImage, sample(rng));
    }

    /** Jitters a {@code (3, H, W)} image in [0, 1] with the given factors and order; a new image. */
    public static FloatImage apply(FloatImage unitImage, Factors factors) {
        Objects.requireNonNull(factors, "factors");
        if (unitImage.channels() != 3) {
            throw new IllegalArgumentException("colour jitter needs an RGB image, got " + unitImage.channels()
                    + " channels");
        }
        int[] ops = factors.order().stream().mapToInt(Op::ordinal).toArray();
        float shift = (float) (factors.brightness() - 1);
        float contrast = (float) factors.contrast();
        float saturation = (float) factors.saturation();
        float hue = (float) factors.hue();
        int plane = unitImage.planeSize();
        float[] src = unitImage.data();
        float[] out = new float[src.length];
        float[] px = new float[3];
        for (int p = 0; p < plane; p++) {
            px[0] = src[p];
            px[1] = src[plane + p];
            px[2] = src[2 * plane + p];
            for (int op : ops) {
                switch (op) {
                    case 0 -> {
                        px[0] = clamp(px[0] + shift);
                        px[1] = clamp(px[1] + shift);
                        px[2] = clamp(px[2] + shift);
                    }
                    case 1 -> {
                        px[0] = clamp(px[0] * contrast);
                        px[1] = clamp(px[1] * contrast);
                        px[2] = clamp(px[2] * contrast);
                    }
                    case 2 -> adjustHsv(px, 0f, saturation);
                    default -> adjustHsv(px, hue, 1f);
                }
            }
            out[p] = px[0];
            out[plane + p] = px[1];
            out[2 * plane + p] = px[2];
        }
        return new FloatImage(3, unitImage.height(), unitImage.width(), out);
    }

    /**
     * RGB to HSV (hue as a fraction of a turn), hue shifted by {@code hueShift} turns and wrapped,
     * saturation multiplied by {@code satFactor} and clamped, back to RGB, in place.
     */
    static void adjustHsv(float[] px, float hueShift, float satFactor) {
        float r = px[0];
        float g = px[1];
        float b = px[2];
        float max = Math.max(r, Math.max(g, b));
        float min = Math.min(r, Math.min(g, b));
        float delta = max - min;
        float v = max;
        float s = v > 0 ? delta / v : 0f;
        float h;
        if (delta == 0) {
            h = 0f;
        } else if (max == r) { // kornia takes the first channel holding the max
            h = (g - b) / delta;
        } else if (max == g) {
            h = (b - r) / delta + 2f;
        } else {
            h = (r - g) / delta + 4f;
        }
        h = wrap(h / 6f + hueShift);
        s = clamp(s * satFactor);

        float h6 = h * 6f;
        int hi = (int) Math.floor(h6);
        float f = h6 - hi;
        hi = ((hi % 6) + 6) % 6;
        float pv = v * (1 - s);
        float qv = v * (1 - f * s);
        float tv = v * (1 - (1 - f) * s);
        switch (hi) {
            case 0 -> set(px, v, tv, pv);
            case 1 -> set(px, qv, v, pv);
            case 2 -> set(px, pv, v, tv);
            case 3 -> set(px, pv, qv, v);
            case 4 -> set(px, tv, pv, v);
            default -> set(px, v, pv, qv);
        }
    }

    private static void set(float[] px, float r, float g, float b) {
        px[0] = r;
        px[1] = g;
        px[2] = b;
    }

    private static float wrap(float turns) {
        float w = turns - (float) Math.floor(turns);
        return w >= 1f ? 0f : w;
    }

    private static float clamp(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }

    private static double uniform(RandomGenerator rng, double low, double high) {
        return low + (high - low) * rng.nextDouble();
    }
}
