package dev.cluda.synth;

import dev.cluda.data.CityscapesClass;

/**
 * The target style's per-class textures, as a luminance offset (at most ±40 levels) to add to a
 * pixel's base colour: bricks and windows on buildings, tiles on sidewalks, grainy asphalt,
 * leafy blotches, clouds, dark glass and tyres on vehicles, dark trousers on people. Pure
 * functions of the pixel, its instance box and a per-image phase.
 */
final class Textures {

    private static final int ROAD = CityscapesClass.ROAD.trainId();
    private static final int SIDEWALK = CityscapesClass.SIDEWALK.trainId();
    private static final int BUILDING = CityscapesClass.BUILDING.trainId();
    private static final int LIGHT = CityscapesClass.TRAFFIC_LIGHT.trainId();
    private static final int SIGN = CityscapesClass.TRAFFIC_SIGN.trainId();
    private static final int VEGETATION = CityscapesClass.VEGETATION.trainId();
    private static final int TERRAIN = CityscapesClass.TERRAIN.trainId();
    private static final int SKY = CityscapesClass.SKY.trainId();
    private static final int PERSON = CityscapesClass.PERSON.trainId();
    private static final int RIDER = CityscapesClass.RIDER.trainId();
    private static final int CAR = CityscapesClass.CAR.trainId();
    private static final int TRUCK = CityscapesClass.TRUCK.trainId();
    private static final int BUS = CityscapesClass.BUS.trainId();

    private Textures() {
    }

    /**
     * Luminance offset of pixel (x, y) of class {@code trainId}; {@code box} is its instance or
     * null for stuff drawn without one; {@code phase} varies the pattern per image.
     */
    static double offset(int trainId, int x, int y, Scene.Instance box, long phase) {
        if (trainId == ROAD) {
            return 14 * signed(hash(x, y, phase)) + 10 * smooth(x, y, 8, phase + 1);
        }
        if (trainId == SIDEWALK) {
            boolean joint = Math.floorMod(x + (int) (phase & 7), 8) == 0 || Math.floorMod(y, 4) == 0;
            return (joint ? -24 : 6) + 6 * signed(hash(x, y, phase + 2));
        }
        if (trainId == BUILDING) {
            int bx = box == null ? x : x - box.x0();
            int by = box == null ? y : y - box.y0();
            boolean window = Math.floorMod(bx, 9) >= 3 && Math.floorMod(bx, 9) < 7
                    && Math.floorMod(by, 8) >= 2 && Math.floorMod(by, 8) < 6;
            boolean mortar = Math.floorMod(by, 3) == 0;
            return (window ? -30 : mortar ? -8 : 6) + 8 * signed(hash(x, y, phase + 3));
        }
        if (trainId == VEGETATION) {
            return 34 * smooth(x, y, 3, phase + 4) + 10 * signed(hash(x, y, phase + 5));
        }
        if (trainId == TERRAIN) {
            return 20 * signed(hash(x, y, phase + 6)) + 12 * smooth(x, y, 6, phase + 7);
        }
        if (trainId == SKY) {
            return 20 * Math.max(0, smooth(x, y * 2, 16, phase + 8));
        }
        if (box != null && (trainId == PERSON || trainId == RIDER)) {
            double ry = box.relativeY(y);
            return ry > 0.55 ? -28 : ry < 0.15 ? 20 : 6;
        }
        if (box != null && (trainId == CAR || trainId == TRUCK || trainId == BUS)) {
            double ry = box.relativeY(y);
            if (ry > 0.86) {
                return -40; // tyres and shadow
            }
            boolean glass = trainId == BUS ? ry > 0.12 && ry < 0.42 && Math.floorMod(x - box.x0(), 7) != 0
                    : ry > 0.06 && ry < 0.34;
            return glass ? -32 : 10 + 6 * signed(hash(x, y, phase + 9));
        }
        if (box != null && trainId == LIGHT) {
            double ry = box.relativeY(y);
            return ry < 0.33 ? 20 : -50; // lit lamp above a dark housing
        }
        if (box != null && trainId == SIGN) {
            boolean edge = x == box.x0() || x == box.x1() - 1 || y == box.y0() || y == box.y1() - 1;
            return edge ? -45 : 0;
        }
        return 5 * signed(hash(x, y, phase + 10));
    }

    /** Uniform in [0, 1) from a hash of (x, y, salt). */
    static double hash(int x, int y, long salt) {
        long h = SynthSplit.mix(salt * 0x9E3779B97F4A7C15L + x * 0xC2B2AE3D27D4EB4FL + y * 0x165667B19E3779F9L);
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Value noise in [-1, 1] with cells of {@code cell} pixels, bilinearly interpolated. */
    static double smooth(int x, int y, int cell, long salt) {
        int cx = Math.floorDiv(x, cell);
        int cy = Math.floorDiv(y, cell);
        double fx = (x - cx * cell) / (double) cell;
        double fy = (y - cy * cell) / (double) cell;
        double a = hash(cx, cy, salt);
        double b = hash(cx + 1, cy, salt);
        double c = hash(cx, cy + 1, salt);
        double d = hash(cx + 1, cy + 1, salt);
        double top = a + (b - a) * fx;
        double bottom = c + (d - c) * fx;
        return 2 * (top + (bottom - top) * fy) - 1;
    }

    private static double signed(double u) {
        return 2 * u - 1;
    }
}
