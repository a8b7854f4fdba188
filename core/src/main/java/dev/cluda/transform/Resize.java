package dev.cluda.transform;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;

/**
 * Aspect-preserving rescale of reference §8.3, as mmseg {@code Resize(keep_ratio=True)} with
 * mmcv {@code rescale_size}: for a target scale (long, short) the factor is
 * {@code min(long / max(h, w), short / min(h, w))} and the new size is
 * {@code ((int) (w * factor + 0.5), (int) (h * factor + 0.5))}. Images are resized bilinearly
 * with half-pixel centres and clamped edges (cv2 {@code INTER_LINEAR}, torch
 * {@code align_corners=False}); labels and masks by nearest neighbour (cv2 {@code INTER_NEAREST},
 * source index {@code floor(dst * src / dst_size)}).
 */
public final class Resize {

    /** A width and height in pixels. */
    public record Size(int width, int height) {
        public Size {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
            }
        }
    }

    private final int longEdge;
    private final int shortEdge;

    /**
     * @param longEdge  the longest the long side may become (mmseg {@code img_scale[0]}, e.g. 1280)
     * @param shortEdge the longest the short side may become (e.g. 720); the two may be given in
     *                  either order, as mmcv takes their max and min
     */
    public Resize(int longEdge, int shortEdge) {
        if (longEdge <= 0 || shortEdge <= 0) {
            throw new IllegalArgumentException("resize scale must be positive, got (" + longEdge + ", "
                    + shortEdge + ")");
        }
        this.longEdge = Math.max(longEdge, shortEdge);
        this.shortEdge = Math.min(longEdge, shortEdge);
    }

    public int longEdge() {
        return longEdge;
    }

    public int shortEdge() {
        return shortEdge;
    }

    /** The size an image of {@code width x height} is rescaled to (mmcv {@code rescale_size}). */
    public Size targetSize(int width, int height) {
        double factor = Math.min((double) longEdge / Math.max(height, width),
                (double) shortEdge / Math.min(height, width));
        return new Size((int) (width * factor + 0.5), (int) (height * factor + 0.5));
    }

    /** The image rescaled bilinearly, rounded back to 8 bits as cv2 does on uint8 input. */
    public RgbImage apply(RgbImage image) {
        Size s = targetSize(image.width(), image.height());
        return bilinear(image, s.width(), s.height());
    }

    /** The image rescaled bilinearly, shape {@code (C, H', W')}. */
    public FloatImage apply(FloatImage image) {
        Size s = targetSize(image.width(), image.height());
        return bilinear(image, s.width(), s.height());
    }

    /** The label rescaled by nearest neighbour. */
    public LabelMap apply(LabelMap label) {
        Size s = targetSize(label.width(), label.height());
        return nearest(label, s.width(), s.height());
    }

    /** A {@code height x width} mask (row-major) rescaled by nearest neighbour. */
    public float[] applyToMask(float[] mask, int width, int height) {
        Size s = targetSize(width, height);
        return nearest(mask, width, height, s.width(), s.height());
    }

    /** Bilinear resize of a {@code (C, H, W)} image to {@code (C, height, width)}. */
    public static FloatImage bilinear(FloatImage image, int width, int height) {
        checkSize(width, height);
        Axis ax = Axis.linear(image.width(), width);
        Axis ay = Axis.linear(image.height(), height);
        int sw = image.width();
        int sPlane = image.planeSize();
        float[] src = image.data();
        float[] out = new float[image.channels() * width * height];
        int o = 0;
        for (int c = 0; c < image.channels(); c++) {
            int base = c * sPlane;
            for (int y = 0; y < height; y++) {
                int r0 = base + ay.i0[y] * sw;
                int r1 = base + ay.i1[y] * sw;
                float fy = ay.f[y];
                for (int x = 0; x < width; x++) {
                    int x0 = ax.i0[x];
                    int x1 = ax.i1[x];
                    float fx = ax.f[x];
                    float top = src[r0 + x0] + fx * (src[r0 + x1] - src[r0 + x0]);
                    float bottom = src[r1 + x0] + fx * (src[r1 + x1] - src[r1 + x0]);
                    out[o++] = top + fy * (bottom - top);
                }
            }
        }
        return new FloatImage(image.channels(), height, width, out);
    }

    /**
     * Bilinear resize of an 8-bit image, each value rounded half up. cv2 computes in 11-bit fixed
     * point, so rare values may differ from it by one.
     */
    public static RgbImage bilinear(RgbImage image, int width, int height) {
        checkSize(width, height);
        Axis ax = Axis.linear(image.width(), width);
        Axis ay = Axis.linear(image.height(), height);
        int sw = image.width();
        byte[] src = image.rgb();
        byte[] out = new byte[width * height * 3];
        int o = 0;
        for (int y = 0; y < height; y++) {
            int r0 = ay.i0[y] * sw;
            int r1 = ay.i1[y] * sw;
            float fy = ay.f[y];
            for (int x = 0; x < width; x++) {
                int a = (r0 + ax.i0[x]) * 3;
                int b = (r0 + ax.i1[x]) * 3;
                int c = (r1 + ax.i0[x]) * 3;
                int d = (r1 + ax.i1[x]) * 3;
                float fx = ax.f[x];
                for (int ch = 0; ch < 3; ch++) {
                    float top = (src[a + ch] & 0xFF) + fx * ((src[b + ch] & 0xFF) - (src[a + ch] & 0xFF));
                    float bottom = (src[c + ch] & 0xFF) + fx * ((src[d + ch] & 0xFF) - (src[c + ch] & 0xFF));
                    float v = top + fy * (bottom - top);
                    out[o++] = (byte) Math.min(255, (int) (v + 0.5f));
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Nearest-neighbour resize of a label map (cv2 {@code INTER_NEAREST}). */
    public static LabelMap nearest(LabelMap label, int width, int height) {
        checkSize(width, height);
        int[] xs = nearestIndex(label.width(), width);
        int[] ys = nearestIndex(label.height(), height);
        byte[] src = label.ids();
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            int row = ys[y] * label.width();
            for (int x = 0; x < width; x++) {
                out[y * width + x] = src[row + xs[x]];
            }
        }
        return new LabelMap(width, height, out);
    }

    /** Nearest-neighbour resize of a row-major {@code srcHeight x srcWidth} plane. */
    public static float[] nearest(float[] plane, int srcWidth, int srcHeight, int width, int height) {
        checkSize(width, height);
        if (plane.length != srcWidth * srcHeight) {
            throw new IllegalArgumentException("mask holds " + plane.length + " values, expected "
                    + srcWidth + "*" + srcHeight);
        }
        int[] xs = nearestIndex(srcWidth, width);
        int[] ys = nearestIndex(srcHeight, height);
        float[] out = new float[width * height];
        for (int y = 0; y < height; y++) {
            int row = ys[y] * srcWidth;
            for (int x = 0; x < width; x++) {
                out[y * width + x] = plane[row + xs[x]];
            }
        }
        return out;
    }

    /** cv2 resizeNN: {@code min(floor(dst * (1 / (dstSize / srcSize))), srcSize - 1)}. */
    static int[] nearestIndex(int srcSize, int dstSize) {
        double inverse = 1.0 / ((double) dstSize / srcSize);
        int[] idx = new int[dstSize];
        for (int d = 0; d < dstSize; d++) {
            idx[d] = Math.min((int) Math.floor(d * inverse), srcSize - 1);
        }
        return idx;
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
    }

    /** Per output index along one axis: the two source taps and the weight of the second. */
    static final class Axis {
        final int[] i0;
        final int[] i1;
        final float[] f;

        private Axis(int n) {
            i0 = new int[n];
            i1 = new int[n];
            f = new float[n];
        }

        /** Half-pixel centres: {@code src = (dst + 0.5) * srcSize / dstSize - 0.5}, clamped to the edges. */
        static Axis linear(int srcSize, int dstSize) {
            Axis a = new Axis(dstSize);
            double scale = (double) srcSize / dstSize;
            for (int d = 0; d < dstSize; d++) {
                double s = Math.max((d + 0.5) * scale - 0.5, 0.0);
                int s0 = (int) Math.floor(s);
                float frac = (float) (s - s0);
                if (s0 >= srcSize - 1) {
                    s0 = srcSize - 1;
                    frac = 0f;
                }
                a.i0[d] = s0;
                a.i1[d] = Math.min(s0 + 1, srcSize - 1);
                a.f[d] = frac;
            }
            return a;
        }
    }
}
