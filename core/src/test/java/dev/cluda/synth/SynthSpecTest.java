package dev.cluda.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SynthSpecTest {

    @Test
    void defaults_areTheDocumentedCpuSizedBenchmark() {
        SynthSpec spec = SynthSpec.defaults();
        assertEquals(new SynthSpec(1L, 300, 300, 100, 256, 128, 1.0), spec);
        assertEquals(300, spec.count(SynthSplit.SOURCE));
        assertEquals(300, spec.count(SynthSplit.TARGET_TRAIN));
        assertEquals(100, spec.count(SynthSplit.TARGET_VAL));
    }

    @Test
    void withers_changeOnlyTheirFields() {
        SynthSpec spec = SynthSpec.defaults().withSeed(7).withCounts(3, 4, 5).withSize(64, 32).withStyleStrength(0.25);
        assertEquals(new SynthSpec(7L, 3, 4, 5, 64, 32, 0.25), spec);
    }

    @Test
    void constructor_badCounts_nameTheField() {
        assertMessage(() -> new SynthSpec(1, 0, 1, 1, 64, 32, 1), "sourceImages");
        assertMessage(() -> new SynthSpec(1, 100_000, 1, 1, 64, 32, 1), "sourceImages");
        assertMessage(() -> new SynthSpec(1, 1, -1, 1, 64, 32, 1), "targetTrainImages");
        assertMessage(() -> new SynthSpec(1, 1, 1, 0, 64, 32, 1), "targetValImages");
    }

    @Test
    void constructor_badSizeOrStrength_nameTheField() {
        assertMessage(() -> new SynthSpec(1, 1, 1, 1, 31, 32, 1), "width");
        assertMessage(() -> new SynthSpec(1, 1, 1, 1, 64, 4097, 1), "height");
        assertMessage(() -> new SynthSpec(1, 1, 1, 1, 64, 32, 1.01), "styleStrength");
        assertMessage(() -> new SynthSpec(1, 1, 1, 1, 64, 32, -0.1), "styleStrength");
        assertMessage(() -> new SynthSpec(1, 1, 1, 1, 64, 32, Double.NaN), "styleStrength");
    }

    @Test
    void constructor_boundaryValues_areAccepted() {
        SynthSpec spec = new SynthSpec(-5, 99_999, 1, 1, 32, 4096, 0.0);
        assertEquals(0.0, spec.styleStrength());
    }

    private static void assertMessage(Executable construct, String field) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        assertTrue(e.getMessage().startsWith(field + " must be"), e.getMessage());
    }
}
