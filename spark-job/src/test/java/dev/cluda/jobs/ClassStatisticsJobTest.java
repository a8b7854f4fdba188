package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.Gta5Reader;
import dev.cluda.data.SampleRef;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.train.TrainingData;
import dev.cluda.train.UdaDataSampler;
import dev.cluda.uda.ClassStatistics;
import dev.cluda.uda.ClassStatisticsFiles;
import dev.cluda.uda.ImageClassCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark statistics equal the single-threaded computation, and training reads what the job writes. */
@IntegrationTest
class ClassStatisticsJobTest {

    private static SparkSession spark;

    @TempDir
    static Path shared;

    private static String gta5;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        spark = TestSpark.start();
        TestSpark.writeBenchmark(shared.resolve("bench"), 8);
        gta5 = shared.resolve("bench/gta5").toString();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** The oracle: each label read in order on this thread, keyed as training keys it. */
    private static ClassStatistics sequential(String root) throws IOException {
        HadoopFileStore store = HadoopFileStore.local();
        Gta5Reader reader = new Gta5Reader();
        List<ImageClassCounts> counts = new ArrayList<>();
        for (SampleRef ref : reader.scan(store, root, "").samples()) {
            counts.add(ImageClassCounts.of(UdaDataSampler.rcsKey(ref), reader.read(store, ref).trainIds()));
        }
        return ClassStatistics.of(counts);
    }

    @Test
    void compute_syntheticSource_equalsSingleThreadedComputation() throws IOException {
        ClassStatistics expected = sequential(gta5);
        ClassStatisticsJob.Result result = new ClassStatisticsJob(spark).compute(DatasetKind.GTA5, gta5, "",
                BadSamplePolicy.FAIL);
        ClassStatistics actual = result.statistics();
        assertEquals(8, result.images());
        assertEquals(List.of("00001", "00002", "00003", "00004", "00005", "00006", "00007", "00008"), result.ids());
        assertEquals(expected.images(), actual.images(), "per-image counts and order");
        assertArrayEquals(expected.totalPixels(), actual.totalPixels());
        assertArrayEquals(expected.samplingProbabilities(0.01), actual.samplingProbabilities(0.01));
        for (int c = 0; c < 19; c++) {
            assertEquals(expected.imagesWithClass(c, 100), actual.imagesWithClass(c, 100), "class " + c);
        }
        // Every labelled pixel of 8 images of 64x32 is counted once (ignore pixels are not).
        long total = 0;
        for (long n : actual.totalPixels()) {
            total += n;
        }
        assertTrue(total > 0 && total <= 8 * 64 * 32, "total " + total);
        assertEquals(gta5 + "/labels/00001.png", actual.images().get(0).file());
    }

    @Test
    void write_jsonFilesAreByteEqualToTheSequentialOnes_andReadBack() throws IOException {
        ClassStatisticsJob job = new ClassStatisticsJob(spark);
        ClassStatisticsJob.Result result = job.compute(DatasetKind.GTA5, gta5, "", BadSamplePolicy.FAIL);
        Path sparkDir = dir.resolve("spark");
        Path sequentialDir = dir.resolve("sequential");
        job.write(result, sparkDir.toString());
        ClassStatisticsFiles.write(HadoopFileStore.local(), sequentialDir.toString(), sequential(gta5));
        for (String name : List.of(ClassStatisticsFiles.SAMPLE_CLASS_STATS, ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT,
                ClassStatisticsFiles.SAMPLES_WITH_CLASS)) {
            assertArrayEquals(Files.readAllBytes(sequentialDir.resolve(name)), Files.readAllBytes(sparkDir.resolve(name)),
                    name);
        }
        ClassStatistics back = ClassStatisticsFiles.read(HadoopFileStore.local(), sparkDir.toString());
        assertEquals(result.statistics().images(), back.images());
    }

    @Test
    void write_parquetTable_holdsIdFileAndNineteenCountColumns() throws IOException {
        ClassStatisticsJob job = new ClassStatisticsJob(spark);
        ClassStatisticsJob.Result result = job.compute(DatasetKind.GTA5, gta5, "", BadSamplePolicy.FAIL);
        job.write(result, dir.toString());
        Dataset<Row> table = spark.read().parquet(dir.resolve(ClassStatisticsFiles.COUNTS_TABLE).toString());
        assertEquals(21, table.columns().length);
        assertEquals("traffic_light", table.columns()[2 + 6]);
        assertEquals(8, table.count());
        long[] totals = result.statistics().totalPixels();
        for (int c = 0; c < 19; c++) {
            String column = ClassStatisticsJob.countColumn(c);
            long sum = table.agg(org.apache.spark.sql.functions.sum(column)).first().getLong(0);
            assertEquals(totals[c], sum, column);
        }
        Row first = table.orderBy(SampleTable.ID).first();
        assertEquals("00001", first.getAs(SampleTable.ID));
        assertEquals(gta5 + "/labels/00001.png", first.getAs(ClassStatisticsJob.FILE));
    }

    @Test
    void compute_skipPolicy_leavesBadSamplesOutOfTheStatistics() throws IOException {
        TestSpark.writeBenchmark(dir.resolve("bench"), 3);
        Path root = dir.resolve("bench/gta5");
        TestSpark.writeGrayLabel(root.resolve("labels/00002.png"), TestSpark.uniform(16, 16, 7));
        ClassStatisticsJob.Result result = new ClassStatisticsJob(spark).compute(DatasetKind.GTA5, root.toString(), "",
                BadSamplePolicy.SKIP);
        assertEquals(List.of("00001", "00003"), result.ids());
        assertEquals(1, result.table().problems().size());
    }

    @Test
    void trainingData_readsTheWrittenFilesFromTheSourceRoot_andDrawsByTheirKeys() throws IOException {
        Path bench = dir.resolve("bench");
        TestSpark.writeBenchmark(bench, 4);
        String sourceRoot = bench.resolve("gta5").toString();
        ClassStatisticsJob job = new ClassStatisticsJob(spark);
        ClassStatisticsJob.Result result = job.compute(DatasetKind.GTA5, sourceRoot, "", BadSamplePolicy.FAIL);
        job.write(result, sourceRoot);

        CludaConfig config = CludaConfig.from(ConfigLoader.load(null, List.of(
                "data.source.root=" + bench, "data.target.root=" + bench,
                "synth.seed=3", "synth.sourceImages=4", "synth.targetTrainImages=2", "synth.targetValImages=2",
                "synth.width=64", "synth.height=32",
                "train.cropWidth=32", "train.cropHeight=32", "train.sourceScale=[]", "train.targetScale=[]",
                "uda.rcs.minPixels=0")));
        List<String> log = new ArrayList<>();
        TrainingData data = TrainingData.prepare(config, HadoopFileStore.local(), null, log::add);
        assertTrue(log.contains("data: rare-class statistics from " + sourceRoot), log.toString());
        // A key that training cannot find among its samples would throw here.
        assertEquals(2, data.sampler().sourceBatch(2, new SplittableRandom(1), new SplittableRandom(2)).size());
    }
}
