package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigError;
import dev.cluda.config.ConfigLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistributedOptionsTest {

    private static DistributedOptions options(String... overrides) {
        return DistributedOptions.from(CludaConfig.from(ConfigLoader.load(null, List.of(overrides))));
    }

    @Test
    void from_defaults_checkEvery50NoFault() {
        DistributedOptions o = options();
        assertEquals(new DistributedOptions(50, Duration.ofSeconds(600), -1, 0, dev.cluda.comm.Compression.NONE), o);
        for (long t = 0; t < 10; t++) {
            assertFalse(o.failsAt(t, 0, 0));
        }
    }

    @Test
    void from_compressionKey_mapsToTheWireFormat() {
        assertEquals(dev.cluda.comm.Compression.BF16, options("distributed.compression=bf16").compression());
        assertEquals(dev.cluda.comm.Compression.FP16, options("distributed.compression=FP16").compression());
        org.junit.jupiter.api.Assertions.assertThrows(dev.cluda.config.ConfigError.class,
                () -> options("distributed.compression=int8"));
    }

    @Test
    void failsAt_onlyThatRankIterationAndFirstAttempt() {
        DistributedOptions o = options("debug.failAtIteration=3", "debug.failRank=1");
        assertTrue(o.failsAt(3, 1, 0));
        assertFalse(o.failsAt(3, 1, 1));
        assertFalse(o.failsAt(3, 0, 0));
        assertFalse(o.failsAt(2, 1, 0));
        assertFalse(o.failsAt(4, 1, 0));
    }

    @Test
    void checksAfter_everyIntervalAndAfterTheLast() {
        DistributedOptions o = options("distributed.checkInterval=3");
        // iterations 0..6 of 7: after 2 (3 done), after 5 (6 done) and after the last (6)
        boolean[] expected = {false, false, true, false, false, true, true};
        for (int t = 0; t < 7; t++) {
            assertEquals(expected[t], o.checksAfter(t, 7), "t=" + t);
        }
    }

    @Test
    void from_zeroCheckInterval_isAConfigError() {
        assertThrows(ConfigError.class, () -> options("distributed.checkInterval=0"));
    }
}
