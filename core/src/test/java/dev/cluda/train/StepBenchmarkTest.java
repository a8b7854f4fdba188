package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepBenchmarkTest {

    private static final List<String> STATUS = List.of(
            "Name:\tjava",
            "VmPeak:\t 9000000 kB",
            "VmHWM:\t  3145728 kB",
            "VmRSS:\t  1048576 kB",
            "Threads:\t42");

    @Test
    void parseStatusMb_readsCurrentAndPeakResidentSetInMiB() {
        assertEquals(Optional.of(1024.0), StepBenchmark.parseStatusMb(STATUS, "VmRSS"));
        assertEquals(Optional.of(3072.0), StepBenchmark.parseStatusMb(STATUS, "VmHWM"));
    }

    @Test
    void parseStatusMb_isEmptyForAMissingOrMalformedField() {
        assertTrue(StepBenchmark.parseStatusMb(STATUS, "VmSwap").isEmpty());
        assertTrue(StepBenchmark.parseStatusMb(List.of("VmHWM:\t n/a"), "VmHWM").isEmpty());
    }

    @Test
    void peakResidentMb_isAtLeastTheCurrentResidentSetOnLinux() {
        StepBenchmark.residentMb().ifPresent(rss ->
                assertTrue(StepBenchmark.peakResidentMb().orElseThrow() >= rss - 1));
    }
}
