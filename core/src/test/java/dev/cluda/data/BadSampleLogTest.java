package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BadSampleLogTest {

    @Test
    void summary_twoOfTen_listsFileAndReason() {
        BadSampleLog log = new BadSampleLog();
        for (int i = 0; i < 10; i++) {
            log.seen("s" + i);
        }
        log.skipped("s3", new BadSampleException("a.png", "truncated"));
        log.skipped("s7", new BadSampleException("b.png", "image is 8x5 but its label c.png is 7x5"));
        assertEquals("skipped 2 of 10 samples: a.png: truncated; b.png: image is 8x5 but its label c.png is 7x5",
                log.summary());
        assertEquals(new BadSampleLog.Entry("a.png", "truncated"), log.entries().get(0));
    }

    @Test
    void summary_nothingSkipped_saysZero() {
        BadSampleLog log = new BadSampleLog();
        log.seen("a");
        log.seen("a");
        assertEquals("skipped 0 of 1 samples", log.summary());
    }

    @Test
    void summary_manySkipped_abbreviatesAfterLimit() {
        BadSampleLog log = new BadSampleLog();
        for (int i = 0; i < 23; i++) {
            log.skipped("s" + i, new BadSampleException("f" + i, "bad"));
        }
        String summary = log.summary();
        assertEquals(23, log.skippedCount());
        assertEquals(true, summary.startsWith("skipped 23 of 23 samples: f0: bad; f1: bad"), summary);
        assertEquals(true, summary.endsWith("f19: bad; ... and 3 more"), summary);
    }

    @Test
    void skipped_sameSampleTwice_recordedOnce() {
        BadSampleLog log = new BadSampleLog();
        log.skipped("s", new BadSampleException("a.png", "truncated"));
        log.skipped("s", new BadSampleException("a.png", "truncated"));
        assertEquals(1, log.skippedCount());
        assertEquals(1, log.seenCount());
    }
}
