package dev.cluda.rundir;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import dev.cluda.eval.PredictionOverlay;
import dev.cluda.transform.Resize;

/**
 * The pictures of a sample row in {@code report.html}: the image, ground truth and prediction in
 * the Cityscapes palette, the prediction laid over the image, and an error map; all at most
 * {@link #MAX_WIDTH} pixels wide, so a Cityscapes-size row stays small.
 */
final class ReportImages {

    /** Widest panel, in pixels (a 2048 × 1024 Cityscapes image is shown at 512 × 256). */
    static final int MAX_WIDTH = 512;

    /** Error map: pixels the prediction gets wrong. */
    static final int WRONG = 0xFF0000;
    /** Error map: pixels the ground truth ignores (train id 255). */
    static final int IGNORED = 0xAAAAAA;

    /** The five pictures of one sample, all the same size. */
    record Row(RgbImage image, RgbImage groundTruth, RgbImage prediction, RgbImage overlay, RgbImage errors) {
    }

    private ReportImages() {
    }

    /**
     * The row of {@code panel}, downscaled to at most {@code maxWidth} pixels wide (aspect kept):
     * the image by area averaging, the label maps by nearest neighbour, then coloured, overlaid and
     * compared at that size.
     */
    static Row row(RunReport.Panel panel, int maxWidth) {
        RgbImage image = downscale(panel.image(), maxWidth);
        LabelMap gt = Resize.nearest(panel.groundTruth(), image.width(), image.height());
        LabelMap pred = Resize.nearest(panel.prediction(), image.width(), image.height());
        return new Row(image, colour(gt), colour(pred), overlay(image, pred), errors(image, gt, pred));
    }

    /** The size {@code width × height} is shown at: at most {@code maxWidth} wide, aspect kept, at least 1 × 1. */
    static int[] shownSize(int width, int height, int maxWidth) {
        if (width <= maxWidth) {
            return new int[] {width, height};
        }
        return new int[] {maxWidth, Math.max(1, (int) Math.round((double) height * maxWidth / width))};
    }

    /** {@code image} at most {@code maxWidth} wide: each output pixel the mean of the source pixels it covers. */
    static RgbImage downscale(RgbImage image, int maxWidth) {
        int[] size = shownSize(image.width(), image.height(), maxWidth);
        int w = size[0];
        int h = size[1];
        if (w == image.width() && h == image.height()) {
            return image;
        }
        RgbImage out = RgbImage.blank(w, h);
        for (int y = 0; y < h; y++) {
            int y0 = (int) ((long) y * image.height() / h);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * image.height() / h));
            for (int x = 0; x < w; x++) {
                int x0 = (int) ((long) x * image.width() / w);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * image.width() / w));
                long[] sum = new long[3];
                for (int sy = y0; sy < y1; sy++) {
                    for (int sx = x0; sx < x1; sx++) {
                        for (int ch = 0; ch < 3; ch++) {
                            sum[ch] += image.get(sx, sy, ch);
                        }
                    }
                }
                long n = (long) (y1 - y0) * (x1 - x0);
                out.set(x, y, (int) ((sum[0] + n / 2) / n), (int) ((sum[1] + n / 2) / n), (int) ((sum[2] + n / 2) / n));
            }
        }
        return out;
    }

    /** Train ids in the Cityscapes palette; ignore (255) black. */
    static RgbImage colour(LabelMap labels) {
        return PredictionOverlay.colour(labels);
    }

    /** The palette colour of a train id as 0xRRGGBB; black for ignore and anything else outside 0..18. */
    static int paletteRgb(int trainId) {
        return trainId < CityscapesClass.COUNT ? CityscapesClass.ofTrainId(trainId).rgb() : 0;
    }

    /** Half image, half prediction colour per pixel (rounded half up); the image alone where the prediction is not a class. */
    static RgbImage overlay(RgbImage image, LabelMap prediction) {
        return PredictionOverlay.blend(image, prediction);
    }

    /**
     * Where the prediction is wrong: {@link #WRONG} where it differs from the ground truth,
     * {@link #IGNORED} where the ground truth is ignore (255), and elsewhere (correct) the image's
     * luminance at a quarter, so the scene stays readable but dark.
     */
    static RgbImage errors(RgbImage image, LabelMap groundTruth, LabelMap prediction) {
        checkSameSize(image, groundTruth);
        checkSameSize(image, prediction);
        RgbImage out = RgbImage.blank(image.width(), image.height());
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int gt = groundTruth.get(x, y);
                if (gt == LabelMap.IGNORE) {
                    set(out, x, y, IGNORED);
                } else if (prediction.get(x, y) != gt) {
                    set(out, x, y, WRONG);
                } else {
                    int v = luminance(image, x, y) / 4;
                    out.set(x, y, v, v, v);
                }
            }
        }
        return out;
    }

    /** ITU-R BT.601 luma of one pixel, 0..255. */
    static int luminance(RgbImage image, int x, int y) {
        return (299 * image.get(x, y, 0) + 587 * image.get(x, y, 1) + 114 * image.get(x, y, 2) + 500) / 1000;
    }

    private static void set(RgbImage out, int x, int y, int rgb) {
        out.set(x, y, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    }

    private static void checkSameSize(RgbImage image, LabelMap labels) {
        if (image.width() != labels.width() || image.height() != labels.height()) {
            throw new IllegalArgumentException("label map " + labels.width() + "x" + labels.height()
                    + " must have the image's size " + image.width() + "x" + image.height());
        }
    }
}
