package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.LocalFileStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleLoaderTest {

    private final LocalFileStore store = new LocalFileStore();

    @TempDir
    Path root;

    /** 00001 good, 00002 size mismatch, 00003 no label, 00004 good (road everywhere). */
    @BeforeEach
    void writeDataset() throws Exception {
        byte[] road = TempDatasets.palettePng(TempDatasets.uniform(8, 5, 7));
        TempDatasets.gta(root, "00001", TempDatasets.rgbPng(8, 5), road);
        TempDatasets.gta(root, "00002", TempDatasets.rgbPng(8, 4), road);
        TempDatasets.gta(root, "00003", TempDatasets.rgbPng(8, 5), null);
        TempDatasets.gta(root, "00004", TempDatasets.rgbPng(8, 5), road);
    }

    @Test
    void index_failPolicyWithMissingLabel_rethrows() {
        SampleLoader loader = new SampleLoader(new Gta5Reader(), store, BadSamplePolicy.FAIL);
        BadSampleException e = assertThrows(BadSampleException.class, () -> loader.index(root.toString(), ""));
        assertEquals(root.resolve("images/00003.png").toString(), e.file());
    }

    @Test
    void index_skipPolicyWithMissingLabel_leavesItOutAndLogsIt() throws Exception {
        SampleLoader loader = new SampleLoader(new Gta5Reader(), store, BadSamplePolicy.SKIP);
        List<SampleRef> refs = loader.index(root.toString(), "");
        assertEquals(List.of("00001", "00002", "00004"), refs.stream().map(SampleRef::id).toList());
        assertEquals(1, loader.log().skippedCount());
        assertEquals(4, loader.log().seenCount());
        assertEquals(root.resolve("images/00003.png").toString(), loader.log().entries().get(0).file());
        assertEquals("label file missing: expected " + root.resolve("labels/00003.png"),
                loader.log().entries().get(0).reason());
    }

    @Test
    void read_failPolicyWithSizeMismatch_rethrows() throws Exception {
        SampleLoader loader = new SampleLoader(new Gta5Reader(), store, BadSamplePolicy.FAIL);
        SampleRef bad = new Gta5Reader().scan(store, root.toString(), "").samples().get(1);
        BadSampleException e = assertThrows(BadSampleException.class, () -> loader.read(bad));
        assertTrue(e.getMessage().contains("image is 8x4 but its label"), e.getMessage());
    }

    @Test
    void readAll_skipPolicy_returnsGoodSamplesAndSummarisesBoth() throws Exception {
        SampleLoader loader = new SampleLoader(new Gta5Reader(), store, BadSamplePolicy.SKIP);
        List<Sample> samples = loader.readAll(loader.index(root.toString(), ""));
        assertEquals(List.of("00001", "00004"), samples.stream().map(s -> s.ref().id()).toList());
        assertEquals(0, samples.get(1).trainIds().get(7, 4)); // raw 7 road
        String image2 = root.resolve("images/00002.png").toString();
        String image3 = root.resolve("images/00003.png").toString();
        assertEquals("skipped 2 of 4 samples: " + image3 + ": label file missing: expected "
                + root.resolve("labels/00003.png") + "; " + image2 + ": image is 8x4 but its label "
                + root.resolve("labels/00002.png") + " is 8x5 (image/label size mismatch)", loader.log().summary());
    }

    @Test
    void read_skipPolicySameBadSampleTwice_countsItOnce() throws Exception {
        SampleLoader loader = new SampleLoader(new Gta5Reader(), store, BadSamplePolicy.SKIP);
        SampleRef bad = loader.index(root.toString(), "").get(1);
        assertEquals(Optional.empty(), loader.read(bad));
        assertEquals(Optional.empty(), loader.read(bad));
        assertEquals(2, loader.log().skippedCount()); // 00003 at index time, 00002 once
        assertEquals(4, loader.log().seenCount());
    }

    @Test
    void read_nonBadSampleIoError_propagatesUnderSkip() {
        SampleLoader loader = new SampleLoader(new Gta5Reader(), store, BadSamplePolicy.SKIP);
        SampleRef gone = new SampleRef("x", root.resolve("images/nope.png").toString(), null, "", "");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> loader.read(gone));
        assertEquals(0, loader.log().skippedCount());
    }
}
