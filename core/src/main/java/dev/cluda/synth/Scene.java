package dev.cluda.synth;

import dev.cluda.data.LabelMap;
import java.util.List;
import java.util.Objects;

/**
 * One generated scene layout before rendering: the train-id map, which object instance covers
 * each pixel (0 = none, e.g. road or sky) and each instance's class and bounding box. The renderer
 * uses instances for per-instance colour variation and for shading relative to the object.
 *
 * @param labels      Cityscapes train ids per pixel, height-major; every pixel holds a class
 * @param instanceIds instance id per pixel ({@code y * width + x}), 0 where no instance is drawn
 * @param instances   the instances, {@code instances.get(i).id() == i + 1}
 */
record Scene(LabelMap labels, int[] instanceIds, List<Instance> instances) {

    public Scene {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(instanceIds, "instanceIds");
        instances = List.copyOf(instances);
        if (instanceIds.length != labels.width() * labels.height()) {
            throw new IllegalArgumentException("instanceIds holds " + instanceIds.length
                    + " values, expected one per label pixel (" + labels.width() * labels.height() + ")");
        }
    }

    public int width() {
        return labels.width();
    }

    public int height() {
        return labels.height();
    }

    /**
     * One drawn object: a building, a tree, a car, a person, a pole...
     *
     * @param id      the value in {@link Scene#instanceIds()}, from 1
     * @param trainId the class it was drawn with
     * @param x0      left edge of its bounding box (inclusive)
     * @param y0      top edge (inclusive)
     * @param x1      right edge (exclusive)
     * @param y1      bottom edge (exclusive)
     */
    public record Instance(int id, int trainId, int x0, int y0, int x1, int y1) {

        /** Relative height 0 (top) .. 1 (bottom) of row {@code y} within the box. */
        public double relativeY(int y) {
            return y1 - y0 <= 1 ? 0.5 : (y - y0) / (double) (y1 - y0 - 1);
        }

        /** Relative position 0 (left) .. 1 (right) of column {@code x} within the box. */
        public double relativeX(int x) {
            return x1 - x0 <= 1 ? 0.5 : (x - x0) / (double) (x1 - x0 - 1);
        }
    }
}
