package dev.cluda.synth;

/**
 * The perspective ground plane of one scene: a horizon row and a road that narrows to a vanishing
 * point on it. Depth is {@code t} in (0, 1]: 0 at the horizon, 1 at the bottom row; sizes on the
 * ground scale linearly with {@code t}.
 *
 * @param height           image height
 * @param horizon          horizon row (sky above, ground below)
 * @param vanishingX       column of the vanishing point
 * @param roadCenterBottom column of the road's centre at the bottom row
 * @param roadHalfBottom   half the road's width at the bottom row, in pixels
 * @param sidewalkBottom   each sidewalk's width at the bottom row, in pixels
 */
record Ground(int height, int horizon, double vanishingX, double roadCenterBottom, double roadHalfBottom,
              double sidewalkBottom) {

    /** Depth of row {@code y} (rows at or above the horizon get the smallest positive depth). */
    double depth(int y) {
        return Math.max(1, y - horizon + 1) / (double) (height - horizon);
    }

    /** The row where an object at depth {@code t} touches the ground. */
    double row(double t) {
        return horizon + t * (height - horizon);
    }

    double roadCenter(double t) {
        return vanishingX + (roadCenterBottom - vanishingX) * t;
    }

    double roadHalf(double t) {
        return roadHalfBottom * t;
    }

    double sidewalk(double t) {
        return sidewalkBottom * t;
    }

    /** Column of the road's edge on {@code side} (-1 left, +1 right) at depth t. */
    double roadEdge(double t, int side) {
        return roadCenter(t) + side * roadHalf(t);
    }

    /** Column of the sidewalk's outer edge on {@code side} at depth t. */
    double sidewalkOuter(double t, int side) {
        return roadCenter(t) + side * (roadHalf(t) + sidewalk(t));
    }
}
