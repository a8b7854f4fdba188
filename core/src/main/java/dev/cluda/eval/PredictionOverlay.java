package dev.cluda.eval;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import dev.cluda.data.RgbImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A prediction drawn for people ({@code cluda predict}'s {@code overlay/}): the image with each
 * pixel blended half and half with its class's Cityscapes palette colour, above a legend strip on
 * a dark background listing the classes present, most pixels first, each as a colour swatch and
 * its name in capitals ({@link PixelFont}). Ignored pixels (255) keep the image's colour.
 *
 * <p>Legend layout, in units of {@code scale} (1 up to 511 pixels of width, 2 from 512, ...):
 * entries flow left to right and wrap into rows of {@link #ROW} units; an entry is a
 * {@link PixelFont#HEIGHT}-unit square swatch, a {@link #GAP}-unit gap and the name, followed by
 * {@link #ENTRY_GAP} units; a name wider than the image is clipped at its right edge.
 */
public final class PredictionOverlay {

    /** Height of one legend row, in scale units: the glyph height and a 3-unit margin above and below. */
    static final int ROW = PixelFont.HEIGHT + 6;
    static final int MARGIN = 3;
    static final int GAP = 3;
    static final int ENTRY_GAP = 8;
    static final int BACKGROUND = 0x181818;
    static final int TEXT = 0xFFFFFF;

    private PredictionOverlay() {
    }

    /**
     * The overlay of {@code trainIds} on {@code image}: {@code image}'s width, and its height plus
     * the legend's rows ({@link #ROW} × scale pixels each, at least one).
     *
     * @throws IllegalArgumentException if the two differ in size
     */
    public static RgbImage render(RgbImage image, LabelMap trainIds) {
        if (image.width() != trainIds.width() || image.height() != trainIds.height()) {
            throw new IllegalArgumentException("prediction is " + trainIds.width() + "x" + trainIds.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        List<CityscapesClass> present = classesPresent(trainIds);
        int width = image.width();
        int scale = scale(width);
        List<int[]> positions = layout(present, width, scale);
        int rows = positions.isEmpty() ? 1 : positions.get(positions.size() - 1)[1] + 1;
        RgbImage out = RgbImage.blank(width, image.height() + rows * ROW * scale);
        blend(image, trainIds, out);
        PixelFont.fill(out, 0, image.height(), width, rows * ROW * scale, BACKGROUND);
        for (int i = 0; i < present.size(); i++) {
            CityscapesClass c = present.get(i);
            int left = positions.get(i)[0];
            int top = image.height() + (positions.get(i)[1] * ROW + MARGIN) * scale;
            PixelFont.fill(out, left, top, PixelFont.HEIGHT * scale, PixelFont.HEIGHT * scale, c.rgb());
            PixelFont.draw(out, c.displayName(), left + (PixelFont.HEIGHT + GAP) * scale, top, scale, TEXT);
        }
        return out;
    }

    /** Train ids in the Cityscapes palette; ignore (255) and any other value black. */
    public static RgbImage colour(LabelMap labels) {
        RgbImage out = RgbImage.blank(labels.width(), labels.height());
        for (int y = 0; y < labels.height(); y++) {
            for (int x = 0; x < labels.width(); x++) {
                int id = labels.get(x, y);
                int rgb = id < CityscapesClass.COUNT ? CityscapesClass.ofTrainId(id).rgb() : 0;
                out.set(x, y, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
            }
        }
        return out;
    }

    /** The classes with at least one pixel, most pixels first (ties by train id). */
    static List<CityscapesClass> classesPresent(LabelMap trainIds) {
        long[] counts = trainIds.histogram();
        List<CityscapesClass> present = new ArrayList<>();
        for (CityscapesClass c : CityscapesClass.values()) {
            if (counts[c.trainId()] > 0) {
                present.add(c);
            }
        }
        present.sort(Comparator.comparingLong((CityscapesClass c) -> -counts[c.trainId()])
                .thenComparingInt(CityscapesClass::trainId));
        return present;
    }

    /** Pixels per legend unit: the 5×7 font stays legible on wide images. */
    static int scale(int width) {
        return 1 + width / 512;
    }

    /** {left pixel, row} of each entry, in order. */
    private static List<int[]> layout(List<CityscapesClass> entries, int width, int scale) {
        List<int[]> positions = new ArrayList<>(entries.size());
        int x = MARGIN * scale;
        int row = 0;
        for (CityscapesClass c : entries) {
            int entryWidth = (PixelFont.HEIGHT + GAP + PixelFont.width(c.displayName())) * scale;
            if (x > MARGIN * scale && x + entryWidth > width) {
                row++;
                x = MARGIN * scale;
            }
            positions.add(new int[] {x, row});
            x += entryWidth + ENTRY_GAP * scale;
        }
        return positions;
    }

    /**
     * Each pixel of {@code image} averaged with its class colour (rounding halves up); the image
     * alone where the label is not a class. The same size as the image, without the legend.
     */
    public static RgbImage blend(RgbImage image, LabelMap trainIds) {
        if (image.width() != trainIds.width() || image.height() != trainIds.height()) {
            throw new IllegalArgumentException("prediction is " + trainIds.width() + "x" + trainIds.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        RgbImage out = RgbImage.blank(image.width(), image.height());
        blend(image, trainIds, out);
        return out;
    }

    /** {@link #blend(RgbImage, LabelMap)} into the top of {@code out}. */
    private static void blend(RgbImage image, LabelMap trainIds, RgbImage out) {
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int id = trainIds.get(x, y);
                if (id >= CityscapesClass.COUNT) {
                    out.set(x, y, image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2));
                    continue;
                }
                int rgb = CityscapesClass.ofTrainId(id).rgb();
                out.set(x, y, (image.get(x, y, 0) + ((rgb >> 16) & 0xFF) + 1) / 2,
                        (image.get(x, y, 1) + ((rgb >> 8) & 0xFF) + 1) / 2, (image.get(x, y, 2) + (rgb & 0xFF) + 1) / 2);
            }
        }
    }
}
