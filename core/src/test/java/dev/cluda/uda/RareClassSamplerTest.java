package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RareClassSamplerTest {

    private static final int DRAWS = 100_000;

    @Test
    void sample_manyDraws_classFrequenciesCloseToP_filesUniformWithinClass() {
        RareClassSampler sampler = new RareClassSampler(RcsFixtures.threeClasses(), 1.0, 3000);
        SplittableRandom random = new SplittableRandom(42);
        int[] perClass = new int[19];
        int classZeroFromA = 0;
        for (int i = 0; i < DRAWS; i++) {
            RareClassSampler.Draw d = sampler.sample(random);
            perClass[d.trainId()]++;
            if (d.trainId() == 0 && d.file().equals("a")) {
                classZeroFromA++;
            }
            if (d.trainId() == 1) {
                assertEquals("a", d.file()); // c has only 2000 pixels of class 1
            }
            if (d.trainId() == 2) {
                assertEquals("b", d.file());
            }
        }
        // P = (0.2800, 0.3420, 0.3780). A frequency over N draws has standard deviation
        // sqrt(p(1-p)/N) <= 0.0016 at N = 1e5; 0.008 is 5 sigma, so a correct sampler fails
        // with probability < 1e-6 and a sampler off by 0.01 (or uniform, 0.333) is caught.
        double[] p = sampler.probabilities();
        for (int c = 0; c < 3; c++) {
            assertEquals(p[c], perClass[c] / (double) DRAWS, 0.008, "class " + c);
        }
        for (int c = 3; c < 19; c++) {
            assertEquals(0, perClass[c]);
        }
        // a vs b within ~28000 class-0 draws: sd sqrt(0.25/28000) = 0.003, 5 sigma = 0.015
        assertEquals(0.5, classZeroFromA / (double) perClass[0], 0.015);
    }

    @Test
    void sampleClass_fixedSeed_isDeterministic() {
        RareClassSampler sampler = RareClassSampler.withDefaults(RcsFixtures.threeClasses());
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        for (int i = 0; i < 50; i++) {
            first.add(sampler.sampleClass(r1));
            second.add(sampler.sampleClass(r2));
        }
        assertEquals(first, second);
    }

    @Test
    void sampleClass_uniformDrawsAtCdfEdges_pickAdjacentPresentClasses() {
        RareClassSampler sampler = new RareClassSampler(RcsFixtures.threeClasses(), 1.0, 3000);
        double p0 = sampler.probabilities()[0];
        assertEquals(0, sampler.sampleClass(fixed(0.0)));
        assertEquals(0, sampler.sampleClass(fixed(Math.nextDown(p0))));
        assertEquals(1, sampler.sampleClass(fixed(p0)));
        assertEquals(2, sampler.sampleClass(fixed(Math.nextDown(1.0))));
    }

    @Test
    void constructor_presentClassWithoutCandidate_throws() {
        // class 1 is present but no image has more than 5000 pixels of it
        assertThrows(IllegalArgumentException.class,
                () -> new RareClassSampler(RcsFixtures.threeClasses(), 0.01, 5000));
    }

    @Test
    void cropRule_acceptsStrictlyAboveMinPixelsTimesRatio() {
        RcsCropRule hrda = RcsCropRule.hrda();
        assertFalse(hrda.accepts(6000));
        assertTrue(hrda.accepts(6001));
        assertTrue(RcsCropRule.daformer().accepts(1501));
        assertFalse(RcsCropRule.daformer().accepts(1500));
    }

    @Test
    void cropUntilAccepted_stopsAtFirstAcceptedCrop() {
        Iterator<Long> crops = List.of(10L, 20L, 7000L, 9000L).iterator();
        assertEquals(7000L, RcsCropRule.hrda().cropUntilAccepted(crops::next, Long::longValue));
    }

    @Test
    void cropUntilAccepted_neverAccepted_keepsEleventhCropAfterTenRecrops() {
        int[] calls = {0};
        long result = RcsCropRule.hrda().cropUntilAccepted(() -> (long) ++calls[0], Long::longValue);
        assertEquals(11, calls[0]);
        assertEquals(11L, result);
    }

    private static java.util.random.RandomGenerator fixed(double u) {
        return new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return u;
            }
        };
    }
}
