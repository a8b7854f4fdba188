package dev.cluda.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.LabelMap;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticScenesTest {

    private static final int W = 128;
    private static final int H = 64;
    private static final int SCENES = 60;

    @Test
    void generate_sameArguments_sameScene() {
        Scene a = SyntheticScenes.generate(3, SynthSplit.SOURCE, 5, W, H);
        Scene b = SyntheticScenes.generate(3, SynthSplit.SOURCE, 5, W, H);
        assertArrayEquals(a.labels().ids(), b.labels().ids());
        assertArrayEquals(a.instanceIds(), b.instanceIds());
        assertEquals(a.instances(), b.instances());
    }

    @Test
    void generate_otherSeedIndexOrSplit_otherScene() {
        byte[] base = SyntheticScenes.generate(3, SynthSplit.SOURCE, 5, W, H).labels().ids();
        assertFalse(Arrays.equals(base, SyntheticScenes.generate(4, SynthSplit.SOURCE, 5, W, H).labels().ids()));
        assertFalse(Arrays.equals(base, SyntheticScenes.generate(3, SynthSplit.SOURCE, 6, W, H).labels().ids()));
        assertFalse(Arrays.equals(base, SyntheticScenes.generate(3, SynthSplit.TARGET_TRAIN, 5, W, H).labels().ids()));
    }

    @Test
    void generate_onlyDrawsTheFifteenClasses() {
        boolean[] drawable = drawable();
        for (int i = 0; i < 10; i++) {
            for (long count : nonZero(SyntheticScenes.generate(9, SynthSplit.TARGET_VAL, i, W, H).labels(), drawable)) {
                assertEquals(0, count);
            }
        }
    }

    @Test
    void generate_sourceSet_containsAllFifteenClasses() {
        long[] pixels = pixels(SynthSplit.SOURCE);
        int present = 0;
        for (int c = 0; c < CityscapesClass.COUNT; c++) {
            present += pixels[c] > 0 ? 1 : 0;
        }
        assertEquals(15, present, "classes present: " + Arrays.toString(pixels));
        for (CityscapesClass absent : new CityscapesClass[] {CityscapesClass.WALL, CityscapesClass.FENCE,
                CityscapesClass.TRAIN, CityscapesClass.MOTORCYCLE}) {
            assertEquals(0, pixels[absent.trainId()], absent.displayName());
        }
    }

    @Test
    void generate_perspective_skyOnTopRoadAtTheBottom() {
        for (int i = 0; i < 10; i++) {
            LabelMap labels = SyntheticScenes.generate(11, SynthSplit.SOURCE, i, W, H).labels();
            int skyTop = 0;
            int roadBottom = 0;
            for (int x = 0; x < W; x++) {
                skyTop += labels.get(x, 0) == CityscapesClass.SKY.trainId() ? 1 : 0;
                roadBottom += labels.get(x, H - 1) == CityscapesClass.ROAD.trainId() ? 1 : 0;
            }
            assertTrue(skyTop > 0, "scene " + i + " has no sky in its top row");
            assertTrue(roadBottom > W / 4, "scene " + i + " has road on only " + roadBottom + " bottom pixels");
            assertEquals(0, count(labels, CityscapesClass.ROAD.trainId(), 0, H / 3), "road above the horizon");
        }
    }

    @Test
    void generate_targetDomain_hasMorePersonsFewerTrucksSmallerCars() {
        double[] source = SynthSummary.normalise(pixels(SynthSplit.SOURCE));
        double[] target = SynthSummary.normalise(pixels(SynthSplit.TARGET_TRAIN));
        int person = CityscapesClass.PERSON.trainId();
        int truck = CityscapesClass.TRUCK.trainId();
        int vegetation = CityscapesClass.VEGETATION.trainId();
        assertTrue(target[person] > 2 * source[person], target[person] + " vs " + source[person]);
        assertTrue(target[truck] < 0.5 * source[truck], target[truck] + " vs " + source[truck]);
        assertTrue(target[vegetation] > source[vegetation], target[vegetation] + " vs " + source[vegetation]);
        assertTrue(meanCarWidth(SynthSplit.TARGET_TRAIN) < 0.9 * meanCarWidth(SynthSplit.SOURCE));
    }

    @Test
    void generate_badArguments_throw() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticScenes.generate(1, SynthSplit.SOURCE, -1, W, H));
        assertThrows(IllegalArgumentException.class, () -> SyntheticScenes.generate(1, SynthSplit.SOURCE, 0, 16, H));
    }

    @Test
    void poisson_meanTwo_averagesTwo() {
        SplittableRandom rng = new SplittableRandom(42);
        long sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            sum += SyntheticScenes.poisson(rng, 2.0);
        }
        assertEquals(2.0, sum / (double) n, 0.05);
    }

    private static long[] pixels(SynthSplit split) {
        long[] total = new long[CityscapesClass.COUNT];
        for (int i = 0; i < SCENES; i++) {
            long[] h = SyntheticScenes.generate(2, split, i, W, H).labels().histogram();
            for (int c = 0; c < total.length; c++) {
                total[c] += h[c];
            }
        }
        return total;
    }

    private static double meanCarWidth(SynthSplit split) {
        double sum = 0;
        int cars = 0;
        for (int i = 0; i < SCENES; i++) {
            for (Scene.Instance inst : SyntheticScenes.generate(2, split, i, W, H).instances()) {
                if (inst.trainId() == CityscapesClass.CAR.trainId() && inst.x0() > 0 && inst.x1() < W) {
                    sum += inst.x1() - inst.x0();
                    cars++;
                }
            }
        }
        return sum / cars;
    }

    private static int count(LabelMap labels, int trainId, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = 0; x < labels.width(); x++) {
                n += labels.get(x, y) == trainId ? 1 : 0;
            }
        }
        return n;
    }

    /** Histogram entries of values the generator never draws. */
    private static long[] nonZero(LabelMap labels, boolean[] drawable) {
        long[] h = labels.histogram();
        for (int v = 0; v < CityscapesClass.COUNT; v++) {
            if (drawable[v]) {
                h[v] = 0;
            }
        }
        return h;
    }

    private static boolean[] drawable() {
        boolean[] d = new boolean[CityscapesClass.COUNT];
        Arrays.fill(d, true);
        d[CityscapesClass.WALL.trainId()] = false;
        d[CityscapesClass.FENCE.trainId()] = false;
        d[CityscapesClass.TRAIN.trainId()] = false;
        d[CityscapesClass.MOTORCYCLE.trainId()] = false;
        return d;
    }
}
