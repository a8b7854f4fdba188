package dev.cluda.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code distributed.*} and {@code debug.*} as typed records. */
class DistributedConfigTest {

    private static CludaConfig config(String... overrides) {
        return CludaConfig.from(ConfigLoader.load(null, List.of(overrides)));
    }

    private static DistributedConfig options(String... overrides) {
        return config(overrides).distributed();
    }

    private static DebugConfig debug(String... overrides) {
        return config(overrides).debug();
    }

    @Test
    void from_defaults_checkEvery50NoFault() {
        assertEquals(new DistributedConfig(1, 50, Duration.ofSeconds(600), dev.cluda.comm.Compression.NONE), options());
        DebugConfig o = debug();
        assertEquals(new DebugConfig(-1, 0, -1, false), o);
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
        DebugConfig o = debug("debug.failAtIteration=3", "debug.failRank=1", "distributed.ranks=2");
        assertTrue(o.failsAt(3, 1, 0));
        assertFalse(o.failsAt(3, 1, 1));
        assertFalse(o.failsAt(3, 0, 0));
        assertFalse(o.failsAt(2, 1, 0));
        assertFalse(o.failsAt(4, 1, 0));
    }

    @Test
    void checksAfter_everyIntervalAndAfterTheLast() {
        DistributedConfig o = options("distributed.checkInterval=3");
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

    @Test
    void from_badCompressionWithOneRank_isRejectedBeforeTraining() {
        ConfigError e = assertThrows(ConfigError.class, () -> config("distributed.compression=fp8"));
        assertTrue(e.getMessage().contains("distributed.compression") && e.getMessage().contains("fp8"),
                e.getMessage());
    }

    @Test
    void from_failRankOutsideTheRanks_isAConfigError() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> config("debug.failAtIteration=2", "debug.failRank=2", "distributed.ranks=2"));
        assertTrue(e.getMessage().contains("debug.failRank"), e.getMessage());
    }
}
