package dev.cluda.synth;

import dev.cluda.data.CityscapesClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Generates scene layouts: a {@link Scene} of Cityscapes train ids, deterministic in
 * (seed, split, index, size).
 *
 * <p>Perspective-ish street: sky on top; buildings and tree groups on the horizon; a road
 * trapezoid narrowing to a vanishing point with a sidewalk on each side and terrain beyond;
 * roadside trees; poles with traffic lights and signs on the sidewalks; cars, trucks and buses on
 * the road; persons on the sidewalks; riders on bicycles near the road's edges. Objects are drawn
 * far to near and grow towards the bottom. Fifteen classes occur: all but wall, fence, train and
 * motorcycle. Object counts and scales follow the split's {@link DomainLayout}.
 */
final class SyntheticScenes {

    static final int SKY = CityscapesClass.SKY.trainId();
    static final int BUILDING = CityscapesClass.BUILDING.trainId();
    static final int VEGETATION = CityscapesClass.VEGETATION.trainId();
    static final int TERRAIN = CityscapesClass.TERRAIN.trainId();
    static final int ROAD = CityscapesClass.ROAD.trainId();
    static final int SIDEWALK = CityscapesClass.SIDEWALK.trainId();

    private SyntheticScenes() {
    }

    /** The layout of image {@code index} of {@code split} under {@code spec}. */
    public static Scene generate(SynthSpec spec, SynthSplit split, int index) {
        return generate(spec.seed(), split, index, spec.width(), spec.height());
    }

    /**
     * The layout of image {@code index} of {@code split} for {@code seed}, {@code width × height}
     * pixels; the same arguments always give the same scene.
     */
    public static Scene generate(long seed, SynthSplit split, int index, int width, int height) {
        if (width < SynthSpec.MIN_SIZE || height < SynthSpec.MIN_SIZE) {
            throw new IllegalArgumentException("scene size must be at least " + SynthSpec.MIN_SIZE + "x"
                    + SynthSpec.MIN_SIZE + ", got " + width + "x" + height);
        }
        if (index < 0) {
            throw new IllegalArgumentException("index must be non-negative, got " + index);
        }
        SplittableRandom rng = split.random(seed, index, SynthSplit.LAYOUT_STREAM);
        DomainLayout layout = DomainLayout.of(split);
        Canvas canvas = new Canvas(width, height);
        Ground ground = ground(rng, layout, width, height);

        canvas.rect(0, 0, width, ground.horizon() + 1, SKY, 0);
        skyline(canvas, rng, layout, ground);
        groundPlane(canvas, ground);
        for (int side = -1; side <= 1; side += 2) {
            if (rng.nextDouble() < layout.facadeShare()) {
                facades(canvas, rng, ground, side);
            }
        }

        SceneObjects objects = new SceneObjects(canvas, ground, rng, layout);
        List<Placed> placed = new ArrayList<>();
        place(placed, rng, layout.roadsideTrees(), objects::roadsideTree);
        place(placed, rng, layout.poles(), objects::pole);
        place(placed, rng, layout.cars(), objects::car);
        place(placed, rng, layout.trucks(), objects::truck);
        place(placed, rng, layout.buses(), objects::bus);
        place(placed, rng, layout.persons(), objects::person);
        place(placed, rng, layout.riders(), objects::rider);
        place(placed, rng, layout.parkedBicycles(), objects::parkedBicycle);
        placed.sort(Comparator.comparingDouble(Placed::depth));
        for (Placed p : placed) {
            p.draw().accept(p.depth());
        }
        return canvas.toScene();
    }

    private static Ground ground(SplittableRandom rng, DomainLayout layout, int width, int height) {
        double horizonFraction = layout.horizonMin() + (layout.horizonMax() - layout.horizonMin()) * rng.nextDouble();
        int horizon = (int) Math.round(height * horizonFraction);
        double vanishingX = width * (0.35 + 0.3 * rng.nextDouble());
        double roadCenter = width * (0.4 + 0.2 * rng.nextDouble());
        double roadHalf = width * layout.roadHalfWidth() * (0.85 + 0.3 * rng.nextDouble());
        double sidewalk = width * layout.sidewalkWidth() * (0.8 + 0.4 * rng.nextDouble());
        return new Ground(height, horizon, vanishingX, roadCenter, roadHalf, sidewalk);
    }

    /** Buildings and tree groups standing on the horizon, left to right, with occasional sky gaps. */
    private static void skyline(Canvas canvas, SplittableRandom rng, DomainLayout layout, Ground ground) {
        int width = canvas.width();
        int horizon = ground.horizon();
        double x = -width * 0.05 * rng.nextDouble();
        while (x < width) {
            double w = width * (0.06 + 0.12 * rng.nextDouble());
            double roll = rng.nextDouble();
            if (roll < 0.12) {
                x += w * 0.5; // a gap of open sky
                continue;
            }
            if (roll < 0.12 + 0.88 * layout.vegetationShare()) {
                int tree = canvas.newInstance(VEGETATION);
                double ry = horizon * (0.15 + 0.25 * rng.nextDouble());
                double rx = w * (0.5 + 0.3 * rng.nextDouble());
                canvas.ellipse(x + w / 2, horizon - ry * 0.7, rx, ry, VEGETATION, tree);
                canvas.rect(x + w * 0.1, horizon - ry * 0.5, x + w * 0.9, horizon + 1, VEGETATION, tree);
            } else {
                int building = canvas.newInstance(BUILDING);
                double h = horizon * (0.3 + 0.65 * rng.nextDouble());
                canvas.rect(x, horizon - h, x + w, horizon + 1, BUILDING, building);
                if (rng.nextDouble() < 0.4) {
                    double inset = w * (0.15 + 0.2 * rng.nextDouble());
                    canvas.rect(x + inset, horizon - h * (1.1 + 0.2 * rng.nextDouble()), x + w - inset,
                            horizon - h + 1, BUILDING, building);
                }
            }
            x += w * (0.75 + 0.25 * rng.nextDouble());
        }
    }

    /** Every row below the horizon: terrain, then the sidewalks, then the road on top. */
    private static void groundPlane(Canvas canvas, Ground ground) {
        for (int y = ground.horizon() + 1; y < canvas.height(); y++) {
            double t = ground.depth(y);
            canvas.span(y, 0, canvas.width(), TERRAIN, 0);
            canvas.span(y, (int) Math.round(ground.sidewalkOuter(t, -1)),
                    (int) Math.round(ground.sidewalkOuter(t, 1)), SIDEWALK, 0);
            canvas.span(y, (int) Math.round(ground.roadEdge(t, -1)),
                    (int) Math.round(ground.roadEdge(t, 1)), ROAD, 0);
        }
    }

    /**
     * A row of building façades along one side of the street, standing a little beyond the
     * sidewalk: column x meets the wall's base line at depth t, and the wall rises a
     * segment-dependent multiple of t times the image height above that row.
     */
    private static void facades(Canvas canvas, SplittableRandom rng, Ground ground, int side) {
        double baseBottom = ground.sidewalkOuter(1, side) + side * ground.sidewalkBottom() * 0.6 * rng.nextDouble();
        double span = baseBottom - ground.vanishingX();
        double t = 0.08 + 0.25 * rng.nextDouble();
        int h = canvas.height();
        while (t < 4) {
            double end = t * (1.4 + 0.8 * rng.nextDouble());
            double rise = h * (0.9 + 1.1 * rng.nextDouble());
            int building = canvas.newInstance(BUILDING);
            int xa = (int) Math.round(ground.vanishingX() + span * t);
            int xb = (int) Math.round(ground.vanishingX() + span * end);
            for (int x = Math.max(0, Math.min(xa, xb)); x <= Math.min(canvas.width() - 1, Math.max(xa, xb)); x++) {
                double depth = (x + 0.5 - ground.vanishingX()) / span;
                if (depth < t || depth > end) {
                    continue;
                }
                double base = ground.row(depth);
                int top = (int) Math.round(base - rise * depth);
                int bottom = (int) Math.min(h, Math.round(base));
                for (int y = Math.max(0, top); y < bottom; y++) {
                    canvas.span(y, x, x + 1, BUILDING, building);
                }
            }
            t = end;
        }
    }

    /** Adds a Poisson number of objects with mean {@code mean}, each at a random depth. */
    private static void place(List<Placed> placed, SplittableRandom rng, double mean, Consumer<Double> draw) {
        int n = poisson(rng, mean);
        for (int i = 0; i < n; i++) {
            placed.add(new Placed(0.15 + 0.85 * rng.nextDouble(), draw));
        }
    }

    /** Knuth's Poisson sampler; fine for the small means used here ({@code StrictMath} keeps it bit-reproducible). */
    static int poisson(SplittableRandom rng, double mean) {
        double limit = StrictMath.exp(-mean);
        double product = rng.nextDouble();
        int n = 0;
        while (product > limit) {
            n++;
            product *= rng.nextDouble();
        }
        return n;
    }

    /** One object waiting to be drawn at depth {@code depth}. */
    private record Placed(double depth, Consumer<Double> draw) {
    }
}
