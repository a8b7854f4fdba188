package dev.cluda.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainLogTest {

    @TempDir
    Path dir;

    @Test
    void line_isDatedInUtc_eachLineOfAMessageStamped_andReopeningKeepsEarlierLines() throws IOException {
        LocalFileStore store = new LocalFileStore();
        Clock first = Clock.fixed(Instant.parse("2026-11-30T07:00:00.750Z"), ZoneOffset.ofHours(2));
        TrainLog log = TrainLog.open(store, dir.toString(), first);
        log.line("data: 300 source");
        log.line("a\nb");
        log.flush();
        TrainLog again = TrainLog.open(store, dir.toString(), Clock.fixed(Instant.parse("2026-12-01T00:00:01Z"),
                ZoneOffset.UTC));
        again.line("resume: continuing");
        again.flush();
        assertEquals(List.of("2026-11-30T07:00:00Z data: 300 source", "2026-11-30T07:00:00Z a",
                "2026-11-30T07:00:00Z b", "2026-12-01T00:00:01Z resume: continuing"),
                Files.readAllLines(dir.resolve(TrainLog.FILE)));
    }

    @Test
    void buildInfo_current_namesTheVersionAndTheCommitOfThisCheckout() {
        BuildInfo b = BuildInfo.current();
        assertTrue(b.version().matches("\\d+\\.\\d+\\.\\d+.*"), b.toString());
        // built from a git checkout here and in CI: the filtered commit is an abbreviated hash
        assertTrue(b.commit().matches("[0-9a-f]{7,40}"), b.toString());
        assertTrue(b.describe().startsWith("cluda " + b.version() + " (commit " + b.commit()), b.describe());
    }
}
