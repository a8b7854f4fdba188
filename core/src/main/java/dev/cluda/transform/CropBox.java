package dev.cluda.transform;

import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;

/**
 * A crop window: columns {@code [x, x + width)}, rows {@code [y, y + height)}. The same box is
 * applied to an image, its label and any mask (reference §8.3, §2.3).
 */
record CropBox(int x, int y, int width, int height) {

    public CropBox {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("crop box needs x, y >= 0 and a positive size, got x=" + x
                    + " y=" + y + " " + width + "x" + height);
        }
    }

    public RgbImage crop(RgbImage image) {
        check(image.width(), image.height());
        byte[] src = image.rgb();
        byte[] out = new byte[width * height * 3];
        for (int r = 0; r < height; r++) {
            System.arraycopy(src, ((y + r) * image.width() + x) * 3, out, r * width * 3, width * 3);
        }
        return new RgbImage(width, height, out);
    }

    public LabelMap crop(LabelMap label) {
        check(label.width(), label.height());
        byte[] src = label.ids();
        byte[] out = new byte[width * height];
        for (int r = 0; r < height; r++) {
            System.arraycopy(src, (y + r) * label.width() + x, out, r * width, width);
        }
        return new LabelMap(width, height, out);
    }

    /** Crops every channel of a {@code (C, H, W)} image to {@code (C, height, width)}. */
    public FloatImage crop(FloatImage image) {
        check(image.width(), image.height());
        float[] src = image.data();
        float[] out = new float[image.channels() * width * height];
        for (int c = 0; c < image.channels(); c++) {
            for (int r = 0; r < height; r++) {
                System.arraycopy(src, (c * image.height() + y + r) * image.width() + x,
                        out, (c * height + r) * width, width);
            }
        }
        return new FloatImage(image.channels(), height, width, out);
    }

    /** Crops a row-major {@code planeHeight x planeWidth} plane (a mask or weight map). */
    public float[] crop(float[] plane, int planeWidth, int planeHeight) {
        if (plane.length != planeWidth * planeHeight) {
            throw new IllegalArgumentException("plane holds " + plane.length + " values, expected "
                    + planeWidth + "*" + planeHeight);
        }
        check(planeWidth, planeHeight);
        float[] out = new float[width * height];
        for (int r = 0; r < height; r++) {
            System.arraycopy(plane, (y + r) * planeWidth + x, out, r * width, width);
        }
        return out;
    }

    private void check(int w, int h) {
        if (x + width > w || y + height > h) {
            throw new IllegalArgumentException("crop box " + this + " does not fit a " + w + "x" + h + " input");
        }
    }
}
