package dev.cluda.synth;

import dev.cluda.data.CityscapesClass;
import java.util.SplittableRandom;

/**
 * Draws the objects of one scene onto its canvas, each at a ground depth {@code t} in (0, 1] that
 * sets where it stands ({@link Ground#row}) and how big it is (linear in {@code t}, relative to the
 * image height). Shapes are rectangles, ellipses, rings and thick lines.
 */
final class SceneObjects {

    private static final int VEGETATION = CityscapesClass.VEGETATION.trainId();
    private static final int POLE = CityscapesClass.POLE.trainId();
    private static final int LIGHT = CityscapesClass.TRAFFIC_LIGHT.trainId();
    private static final int SIGN = CityscapesClass.TRAFFIC_SIGN.trainId();
    private static final int PERSON = CityscapesClass.PERSON.trainId();
    private static final int RIDER = CityscapesClass.RIDER.trainId();
    private static final int CAR = CityscapesClass.CAR.trainId();
    private static final int TRUCK = CityscapesClass.TRUCK.trainId();
    private static final int BUS = CityscapesClass.BUS.trainId();
    private static final int BICYCLE = CityscapesClass.BICYCLE.trainId();

    private final Canvas canvas;
    private final Ground ground;
    private final SplittableRandom rng;
    private final DomainLayout layout;
    private final double height;

    SceneObjects(Canvas canvas, Ground ground, SplittableRandom rng, DomainLayout layout) {
        this.canvas = canvas;
        this.ground = ground;
        this.rng = rng;
        this.layout = layout;
        this.height = canvas.height();
    }

    /** A tree on the terrain beyond a sidewalk: trunk and round canopy. */
    void roadsideTree(double t) {
        int side = side();
        double x = ground.sidewalkOuter(t, side) + side * height * t * (0.05 + 0.4 * rng.nextDouble());
        double yb = ground.row(t);
        double h = height * t * (0.7 + 0.5 * rng.nextDouble());
        int tree = canvas.newInstance(VEGETATION);
        double trunk = Math.max(1, 0.04 * height * t);
        canvas.rect(x - trunk / 2, yb - h * 0.6, x + trunk / 2, yb, VEGETATION, tree);
        canvas.ellipse(x, yb - h * 0.7, h * (0.25 + 0.1 * rng.nextDouble()), h * 0.3, VEGETATION, tree);
    }

    /** A pole on the outer part of a sidewalk, often with a traffic light and/or a traffic sign. */
    void pole(double t) {
        int side = side();
        double x = ground.sidewalkOuter(t, side) - side * ground.sidewalk(t) * (0.1 + 0.3 * rng.nextDouble());
        double yb = ground.row(t);
        double h = height * t * (0.9 + 0.4 * rng.nextDouble());
        double w = Math.max(1, 0.025 * height * t);
        int pole = canvas.newInstance(POLE);
        canvas.rect(x - w / 2, yb - h, x + w / 2, yb, POLE, pole);
        double top = yb - h;
        if (rng.nextDouble() < 0.55) {
            double armLength = rng.nextDouble() < 0.5 ? 0 : height * t * (0.15 + 0.15 * rng.nextDouble());
            double lx = x - side * armLength;
            if (armLength > 0) {
                canvas.rect(Math.min(x, lx), top, Math.max(x, lx), top + w, POLE, pole);
            }
            double lw = Math.max(2, 0.07 * height * t);
            double lh = Math.max(4, 0.18 * height * t);
            int light = canvas.newInstance(LIGHT);
            canvas.rect(lx - lw / 2, top, lx + lw / 2, top + lh, LIGHT, light);
        }
        if (rng.nextDouble() < 0.55) {
            double s = Math.max(3, 0.12 * height * t);
            double sy = top + h * (0.3 + 0.15 * rng.nextDouble());
            int sign = canvas.newInstance(SIGN);
            if (rng.nextDouble() < 0.5) {
                canvas.ellipse(x, sy, s / 2, s / 2, SIGN, sign);
            } else {
                canvas.rect(x - s / 2, sy - s / 2, x + s / 2, sy + s / 2, SIGN, sign);
            }
        }
    }

    /** A car on the road: body, narrower cabin, wheels. */
    void car(double t) {
        double w = height * t * 0.6 * layout.carScale() * (0.85 + 0.3 * rng.nextDouble());
        double h = w * (0.45 + 0.1 * rng.nextDouble());
        double x = onRoad(t, 0.75);
        double yb = ground.row(t);
        int car = canvas.newInstance(CAR);
        canvas.rect(x - w / 2, yb - h * 0.62, x + w / 2, yb - h * 0.08, CAR, car);
        double inset = w * (0.12 + 0.1 * rng.nextDouble());
        canvas.rect(x - w / 2 + inset, yb - h, x + w / 2 - inset, yb - h * 0.6, CAR, car);
        wheels(x, yb, w, h * 0.14, CAR, car);
    }

    /** A truck on the road: tall cargo box with a lower cab at one end. */
    void truck(double t) {
        double w = height * t * 0.75 * (0.9 + 0.2 * rng.nextDouble());
        double h = w * (0.65 + 0.15 * rng.nextDouble());
        double x = onRoad(t, 0.6);
        double yb = ground.row(t);
        int cabSide = side();
        int truck = canvas.newInstance(TRUCK);
        double boxLeft = cabSide > 0 ? x - w / 2 : x - w / 2 + w * 0.28;
        canvas.rect(boxLeft, yb - h, boxLeft + w * 0.72, yb - h * 0.12, TRUCK, truck);
        double cabLeft = cabSide > 0 ? x + w / 2 - w * 0.28 : x - w / 2;
        canvas.rect(cabLeft, yb - h * 0.62, cabLeft + w * 0.28, yb - h * 0.1, TRUCK, truck);
        wheels(x, yb, w, h * 0.12, TRUCK, truck);
    }

    /** A bus on the road: one long tall box with wheels. */
    void bus(double t) {
        double w = height * t * 1.0 * (0.9 + 0.2 * rng.nextDouble());
        double h = w * (0.45 + 0.1 * rng.nextDouble());
        double x = onRoad(t, 0.5);
        double yb = ground.row(t);
        int bus = canvas.newInstance(BUS);
        canvas.rect(x - w / 2, yb - h, x + w / 2, yb - h * 0.1, BUS, bus);
        wheels(x, yb, w, h * 0.12, BUS, bus);
    }

    /** A pedestrian, usually on a sidewalk, sometimes crossing the road. */
    void person(double t) {
        double x = rng.nextDouble() < 0.15 ? onRoad(t, 0.9) : onSidewalk(t);
        double h = height * t * 0.4 * layout.personScale() * (0.85 + 0.3 * rng.nextDouble());
        int person = canvas.newInstance(PERSON);
        figure(x, ground.row(t), h, PERSON, person, true);
    }

    /** A rider on a bicycle near one of the road's edges. */
    void rider(double t) {
        int side = side();
        double x = ground.roadEdge(t, side) - side * ground.roadHalf(t) * (0.1 + 0.2 * rng.nextDouble());
        double yb = ground.row(t);
        double h = height * t * 0.45 * layout.personScale() * (0.9 + 0.2 * rng.nextDouble());
        bicycle(x, yb, h * 0.5);
        int rider = canvas.newInstance(RIDER);
        figure(x, yb - h * 0.3, h * 0.7, RIDER, rider, false);
    }

    /** A bicycle standing on a sidewalk with nobody on it. */
    void parkedBicycle(double t) {
        double h = height * t * 0.22 * (0.9 + 0.2 * rng.nextDouble());
        bicycle(onSidewalk(t), ground.row(t), h);
    }

    /** Head, torso and legs of a person of height {@code h} standing at (x, yb). */
    private void figure(double x, double yb, double h, int trainId, int instance, boolean standing) {
        double headR = Math.max(1, h * 0.09);
        canvas.ellipse(x, yb - h + headR, headR, headR * 1.1, trainId, instance);
        double torso = Math.max(2, h * 0.28);
        canvas.rect(x - torso / 2, yb - h + headR * 2, x + torso / 2, yb - h * 0.45, trainId, instance);
        double leg = Math.max(1, h * 0.1);
        double stride = standing ? h * 0.05 * rng.nextDouble() : h * 0.12;
        canvas.line(x - torso * 0.25, yb - h * 0.46, x - torso * 0.25 - stride, yb, leg, trainId, instance);
        canvas.line(x + torso * 0.25, yb - h * 0.46, x + torso * 0.25 + stride, yb, leg, trainId, instance);
    }

    /** Two wheel rings and a frame, {@code h} pixels tall, standing at (x, yb). */
    private void bicycle(double x, double yb, double h) {
        int bike = canvas.newInstance(BICYCLE);
        double r = h * 0.35;
        double thick = Math.max(1, h * 0.08);
        double cy = yb - r;
        canvas.ring(x - h * 0.55, cy, r, r, 0.55, BICYCLE, bike);
        canvas.ring(x + h * 0.55, cy, r, r, 0.55, BICYCLE, bike);
        canvas.line(x - h * 0.55, cy, x, yb - h * 0.85, thick, BICYCLE, bike);
        canvas.line(x, yb - h * 0.85, x + h * 0.55, cy, thick, BICYCLE, bike);
        canvas.line(x - h * 0.1, yb - h * 0.85, x + h * 0.45, yb - h, thick, BICYCLE, bike);
    }

    private void wheels(double x, double yb, double w, double r, int trainId, int instance) {
        canvas.ellipse(x - w * 0.32, yb - r, r * 1.3, r, trainId, instance);
        canvas.ellipse(x + w * 0.32, yb - r, r * 1.3, r, trainId, instance);
    }

    /** A column on the road at depth t, within {@code spread} of the half-width from its centre. */
    private double onRoad(double t, double spread) {
        return ground.roadCenter(t) + (2 * rng.nextDouble() - 1) * spread * ground.roadHalf(t);
    }

    /** A column on a random sidewalk at depth t. */
    private double onSidewalk(double t) {
        int side = side();
        return ground.roadEdge(t, side) + side * ground.sidewalk(t) * (0.2 + 0.6 * rng.nextDouble());
    }

    private int side() {
        return rng.nextBoolean() ? 1 : -1;
    }
}
