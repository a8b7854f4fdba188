package dev.cluda.synth;

import dev.cluda.data.LabelMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Paints simple shapes (rectangles, ellipses, rings, row spans) of one class into a label map and
 * an instance map, clipped to the image, and tracks each instance's bounding box. Later shapes
 * cover earlier ones (painter's algorithm).
 */
final class Canvas {

    private final int width;
    private final int height;
    private final byte[] labels;
    private final int[] instanceIds;
    private final List<int[]> boxes = new ArrayList<>();
    private final List<Integer> classes = new ArrayList<>();

    Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.labels = new byte[width * height];
        this.instanceIds = new int[width * height];
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Starts a new instance of {@code trainId} and returns its id (1, 2, ...). */
    int newInstance(int trainId) {
        boxes.add(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE});
        classes.add(trainId);
        return boxes.size();
    }

    /** Paints columns [x0, x1) of row y. */
    void span(int y, int x0, int x1, int trainId, int instance) {
        if (y < 0 || y >= height) {
            return;
        }
        int a = Math.max(0, x0);
        int b = Math.min(width, x1);
        if (a >= b) {
            return;
        }
        int row = y * width;
        for (int x = a; x < b; x++) {
            labels[row + x] = (byte) trainId;
            instanceIds[row + x] = instance;
        }
        if (instance > 0) {
            int[] box = boxes.get(instance - 1);
            box[0] = Math.min(box[0], a);
            box[1] = Math.min(box[1], y);
            box[2] = Math.max(box[2], b);
            box[3] = Math.max(box[3], y + 1);
        }
    }

    /** Paints the rectangle [x0, x1) × [y0, y1); real coordinates are rounded. */
    void rect(double x0, double y0, double x1, double y1, int trainId, int instance) {
        int ya = (int) Math.round(y0);
        int yb = (int) Math.round(y1);
        int xa = (int) Math.round(x0);
        int xb = Math.max(xa + 1, (int) Math.round(x1));
        if (yb <= ya) {
            yb = ya + 1;
        }
        for (int y = ya; y < yb; y++) {
            span(y, xa, xb, trainId, instance);
        }
    }

    /** Paints the filled ellipse with centre (cx, cy) and radii (rx, ry). */
    void ellipse(double cx, double cy, double rx, double ry, int trainId, int instance) {
        ring(cx, cy, rx, ry, 0.0, trainId, instance);
    }

    /**
     * Paints an elliptic ring: pixels inside the ellipse (rx, ry) but outside the ellipse scaled by
     * {@code inner} (0 = filled).
     */
    void ring(double cx, double cy, double rx, double ry, double inner, int trainId, int instance) {
        rx = Math.max(rx, 0.5);
        ry = Math.max(ry, 0.5);
        int ya = (int) Math.floor(cy - ry);
        int yb = (int) Math.ceil(cy + ry);
        int xa = (int) Math.floor(cx - rx);
        int xb = (int) Math.ceil(cx + rx);
        double inner2 = inner * inner;
        for (int y = ya; y <= yb; y++) {
            double dy = (y + 0.5 - cy) / ry;
            for (int x = xa; x <= xb; x++) {
                double dx = (x + 0.5 - cx) / rx;
                double d2 = dx * dx + dy * dy;
                if (d2 <= 1.0 && d2 >= inner2) {
                    span(y, x, x + 1, trainId, instance);
                }
            }
        }
    }

    /** Paints a straight line about {@code thickness} pixels wide from (xa, ya) to (xb, yb). */
    void line(double xa, double ya, double xb, double yb, double thickness, int trainId, int instance) {
        double length = StrictMath.hypot(xb - xa, yb - ya);
        int steps = Math.max(1, (int) Math.ceil(length * 2));
        double half = Math.max(0.5, thickness / 2);
        for (int i = 0; i <= steps; i++) {
            double t = i / (double) steps;
            double x = xa + (xb - xa) * t;
            double y = ya + (yb - ya) * t;
            rect(x - half, y - half, x + half, y + half, trainId, instance);
        }
    }

    /** The finished scene; the canvas must not be used afterwards. */
    Scene toScene() {
        List<Scene.Instance> instances = new ArrayList<>(boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            int[] b = boxes.get(i);
            if (b[0] == Integer.MAX_VALUE) {
                // Drawn entirely outside the image (or fully clipped): an empty box at the origin.
                instances.add(new Scene.Instance(i + 1, classes.get(i), 0, 0, 0, 0));
            } else {
                instances.add(new Scene.Instance(i + 1, classes.get(i), b[0], b[1], b[2], b[3]));
            }
        }
        return new Scene(new LabelMap(width, height, labels), instanceIds, instances);
    }
}
