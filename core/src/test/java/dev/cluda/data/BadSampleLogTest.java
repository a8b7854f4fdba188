package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BadSampleLogTest {

    @Test
    void summary_twoOfTen_listsFileAndReason() {
        BadSampleLog log = new BadSampleLog("source");
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

    @Test
    void labelledSummary_namesTheLog_andSummarizeJoinsThoseWithSkips() {
        BadSampleLog source = new BadSampleLog("source");
        BadSampleLog targetTrain = new BadSampleLog("target train");
        BadSampleLog targetVal = new BadSampleLog("target val");
        source.skipped("s1", new BadSampleException("a.png", "truncated"));
        source.skipped("s2", new BadSampleException("b.png", "is a JPEG, not a PNG"));
        targetTrain.seen("t1");
        targetVal.skipped("v1", new BadSampleException("c.png", "label file missing"));
        assertEquals("source: skipped 2 of 2 samples (a.png: truncated, b.png: is a JPEG, not a PNG)", source.labelledSummary());
        assertEquals("target train: skipped 0 of 1 samples", targetTrain.labelledSummary());
        assertEquals("source: skipped 2 of 2 samples (a.png: truncated, b.png: is a JPEG, not a PNG); "
                + "target val: skipped 1 of 1 samples (c.png: label file missing)",
                BadSampleLog.summarize(java.util.List.of(source, targetTrain, targetVal)));
        assertEquals("no samples skipped", BadSampleLog.summarize(java.util.List.of(targetTrain)));
        assertEquals("target val", targetVal.label());
    }

    @Test
    void entries_localFileUris_shownAsPlainPaths() {
        BadSampleLog log = new BadSampleLog("source");
        log.skipped("s", new BadSampleException("file:/data/gta/images/00001.png",
                "label file missing: expected file:///data/gta/labels/00001.png"));
        log.skipped("t", new BadSampleException("s3a://bucket/gta/images/00002.png", "truncated"));
        assertEquals(new BadSampleLog.Entry("/data/gta/images/00001.png",
                "label file missing: expected /data/gta/labels/00001.png"), log.entries().get(0));
        assertEquals("s3a://bucket/gta/images/00002.png", log.entries().get(1).file());
    }

    @Test
    void sampleLoader_labelsItsLog() {
        SampleLoader loader = new SampleLoader(new Gta5Reader(), new dev.cluda.io.LocalFileStore(),
                BadSamplePolicy.SKIP, "target val");
        assertEquals("target val", loader.log().label());
        assertEquals("", new SampleLoader(new Gta5Reader(), new dev.cluda.io.LocalFileStore(), BadSamplePolicy.SKIP)
                .log().label());
    }
}
