package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.DatasetConfig;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.Gta5Reader;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.SampleTable.Problem;
import dev.cluda.jobs.SampleTable.Status;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.ImageClassCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class SampleTableTest {

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private String gta5() {
        return dir.resolve("bench/gta5").toString();
    }

    /** Six GTA5 samples 00001..00006, four of them broken in four different ways. */
    private void writeBrokenCopy() throws IOException {
        TestSpark.writeBenchmark(dir.resolve("bench"), 6);
        Path gta = Path.of(gta5());
        Files.delete(gta.resolve("labels/00002.png"));
        TestSpark.writeGrayLabel(gta.resolve("labels/00003.png"), TestSpark.uniform(32, 32, 7));
        TestSpark.writeGrayLabel(gta.resolve("labels/00004.png"), TestSpark.uniform(64, 32, 200));
        Files.write(gta.resolve("images/00005.png"), new byte[] {1, 2, 3, 4});
    }

    @Test
    void build_validSource_allRowsOkWithSizeAndClassCounts() throws IOException {
        TestSpark.writeBenchmark(dir.resolve("bench"), 4);
        SampleTable table = SampleTable.build(spark, DatasetKind.GTA5, gta5(), "train", BadSamplePolicy.FAIL);
        assertEquals(4, table.size());
        assertEquals(4, table.usableCount());
        assertTrue(table.problems().isEmpty());
        assertEquals("", table.problemSummary());
        List<Row> rows = new ArrayList<>(table.all().orderBy(SampleTable.ID).collectAsList());
        assertEquals(List.of("00001", "00002", "00003", "00004"), rows.stream().map(r -> r.getString(0)).toList());
        Row first = rows.get(0);
        assertEquals(gta5() + "/labels/00001.png", first.getAs(SampleTable.LABEL_PATH));
        assertEquals("", first.getAs(SampleTable.SPLIT));
        assertEquals("", first.getAs(SampleTable.CITY));
        assertEquals(64, (int) first.getAs(SampleTable.WIDTH));
        assertEquals(32, (int) first.getAs(SampleTable.HEIGHT));
        assertEquals("ok", first.getAs(SampleTable.STATUS));
        assertNull(first.getAs(SampleTable.PROBLEM));

        SampleRef ref = table.usableRefs().get(0);
        Sample sample = new Gta5Reader().read(HadoopFileStore.local(), ref);
        long[] expected = ImageClassCounts.of("x", sample.trainIds()).counts();
        List<Long> counts = first.getList(first.fieldIndex(SampleTable.CLASS_COUNTS));
        assertEquals(19, counts.size());
        for (int c = 0; c < 19; c++) {
            assertEquals(expected[c], counts.get(c), "class " + c);
        }
    }

    @Test
    void build_brokenCopyUnderFail_throwsListingEveryBadFile() throws IOException {
        writeBrokenCopy();
        SampleTable.BadSamplesException e = assertThrows(SampleTable.BadSamplesException.class,
                () -> SampleTable.build(spark, DatasetKind.GTA5, gta5(), "", BadSamplePolicy.FAIL));
        assertEquals(4, e.problems().size());
        String message = e.getMessage();
        assertTrue(message.startsWith("4 of 6 samples below " + gta5() + " are bad"), message);
        assertTrue(message.contains("data.onBadSample = skip"), message);
        for (String file : List.of("images/00002.png", "images/00003.png", "labels/00004.png", "images/00005.png")) {
            assertTrue(message.contains(gta5() + "/" + file), file + " missing from: " + message);
        }
    }

    @Test
    void build_brokenCopyUnderSkip_reportsEachProblemAndKeepsTheRest() throws IOException {
        writeBrokenCopy();
        SampleTable table = SampleTable.build(spark, DatasetKind.GTA5, gta5(), "", BadSamplePolicy.SKIP);
        assertEquals(6, table.size());
        assertEquals(6, table.all().count());
        assertEquals(2, table.usableCount());
        assertEquals(2, table.usable().count());
        assertEquals(List.of("00001", "00006"), table.usableRefs().stream().map(SampleRef::id).toList());

        Map<String, Problem> byId = new HashMap<>();
        for (Problem p : table.problems()) {
            byId.put(p.id(), p);
        }
        assertEquals(Status.MISSING_LABEL, byId.get("00002").status());
        assertTrue(byId.get("00002").file().endsWith(gta5() + "/images/00002.png"), byId.get("00002").file());
        assertTrue(byId.get("00002").message().contains("labels/00002.png"), byId.get("00002").message());
        assertEquals(Status.SIZE_MISMATCH, byId.get("00003").status());
        assertTrue(byId.get("00003").message().contains("64x32") && byId.get("00003").message().contains("32x32"),
                byId.get("00003").message());
        assertEquals(Status.BAD_VALUE, byId.get("00004").status());
        assertEquals(gta5() + "/labels/00004.png", byId.get("00004").file());
        assertTrue(byId.get("00004").message().contains("value 200"), byId.get("00004").message());
        assertEquals(Status.UNREADABLE, byId.get("00005").status());
        assertTrue(byId.get("00005").file().endsWith(gta5() + "/images/00005.png"), byId.get("00005").file());

        String summary = table.problemSummary();
        assertTrue(summary.startsWith("4 of 6 samples skipped"), summary);
        assertTrue(summary.contains(gta5() + "/labels/00004.png"), summary);
        Row missing = table.all().filter("id = '00002'").first();
        assertEquals("missing_label", missing.getAs(SampleTable.STATUS));
        assertNull(missing.getAs(SampleTable.LABEL_PATH));
        assertNull(missing.getAs(SampleTable.CLASS_COUNTS));
    }

    @Test
    void build_moreBadSamplesThanListed_messageCountsTheRest() throws IOException {
        TestSpark.writeBenchmark(dir.resolve("bench"), SampleTable.LISTED_PROBLEMS + 2);
        for (int i = 1; i <= SampleTable.LISTED_PROBLEMS + 2; i++) {
            Files.delete(Path.of(gta5(), "labels", String.format("%05d.png", i)));
        }
        SampleTable.BadSamplesException e = assertThrows(SampleTable.BadSamplesException.class,
                () -> SampleTable.build(spark, DatasetKind.GTA5, gta5(), "", BadSamplePolicy.FAIL));
        assertEquals(SampleTable.LISTED_PROBLEMS + 2, e.problems().size());
        assertTrue(e.getMessage().endsWith("; ... and 2 more"), e.getMessage());
        assertEquals(SampleTable.LISTED_PROBLEMS, e.getMessage().split("label file missing").length - 1);
    }

    @Test
    void build_syntheticTargetConfig_readsTheCityscapesLayoutWithSplitAndCity() throws IOException {
        TestSpark.writeBenchmark(dir.resolve("bench"), 1);
        SampleTable table = SampleTable.build(spark, new DatasetConfig("synthetic", dir.resolve("bench").toString(),
                "val"), false, BadSamplePolicy.FAIL);
        assertEquals(DatasetKind.CITYSCAPES, table.kind());
        assertEquals(dir.resolve("bench/cityscapes").toString(), table.root());
        List<SampleRef> refs = table.usableRefs();
        assertEquals(2, refs.size());
        assertEquals("val", refs.get(0).split());
        assertEquals("voxelheim", refs.get(0).city());
    }

    @Test
    void build_rootWithoutLayout_throwsNamingTheImageDirectory() {
        IOException e = assertThrows(IOException.class,
                () -> SampleTable.build(spark, DatasetKind.GTA5, dir.toString(), "", BadSamplePolicy.SKIP));
        assertTrue(e.getMessage().contains(dir.resolve("images").toString()), e.getMessage());
    }
}
