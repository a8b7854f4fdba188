package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.jobs.TestSpark;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.ClassStatisticsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: {@code cluda stats} and {@code cluda bench stats} on a tiny synthetic benchmark (one shared session). */
@IntegrationTest
class StatsCommandTest {

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

    private CliRunner.Result run(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--set", "data.source.root=" + dir.resolve("bench"), "--set",
                "data.target.root=" + dir.resolve("bench"), "--set", "synth.sourceImages=4", "--set",
                "synth.targetTrainImages=2", "--set", "synth.targetValImages=2", "--set", "synth.width=64", "--set",
                "synth.height=32", "--set", "uda.rcs.minPixels=100"));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void stats_syntheticSource_writesTheFilesTrainingReadsAndPrintsTheTable() throws IOException {
        CliRunner.Result r = run("stats");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        Path root = dir.resolve("bench/gta5");
        for (String name : List.of(ClassStatisticsFiles.SAMPLE_CLASS_STATS, ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT,
                ClassStatisticsFiles.SAMPLES_WITH_CLASS, ClassStatisticsFiles.COUNTS_TABLE)) {
            assertTrue(Files.exists(root.resolve(name)), name);
        }
        assertEquals(4, ClassStatisticsFiles.read(HadoopFileStore.local(), root.toString()).images().size());
        assertTrue(r.out().contains("generating the synthetic benchmark"), r.out());
        assertTrue(r.out().contains("traffic light"), r.out());
        assertTrue(r.out().contains("images >100"), r.out());
        assertTrue(r.out().contains("stats: 4 images (0 skipped) of gta5 " + root), r.out());
        assertFalse(spark.sparkContext().isStopped(), "the command must not stop a session it did not start");
    }

    @Test
    void stats_existingStatistics_needOverwrite() {
        assertEquals(0, run("stats").exitCode());
        CliRunner.Result refused = run("stats");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("--overwrite"), refused.err());
        CliRunner.Result replaced = run("stats", "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
    }

    @Test
    void stats_targetDatasetToOut_writesThere() {
        Path out = dir.resolve("target-stats");
        CliRunner.Result r = run("stats", "--dataset", "target", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("stats: 2 images (0 skipped) of cityscapes"), r.out());
        assertTrue(Files.exists(out.resolve(ClassStatisticsFiles.SAMPLE_CLASS_STATS)));
    }

    @Test
    void stats_unknownConfigKey_exitsTwoNamingIt() {
        CliRunner.Result r = run("stats", "--set", "uda.rcs.temprature=0.1");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("uda.rcs.temprature"), r.err());
    }

    @Test
    void stats_badDatasetChoice_exitsTwo() {
        CliRunner.Result r = run("stats", "--dataset", "both");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("source or target"), r.err());
    }

    @Test
    void benchStats_printsOneJsonLineWithBothRates() throws IOException {
        CliRunner.Result r = run("bench stats", "--repeats", "1");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out().trim());
        assertEquals(4, json.get("images").asInt());
        assertTrue(json.get("spark_images_per_s").asDouble() > 0, r.out());
        assertTrue(json.get("single_thread_images_per_s").asDouble() > 0, r.out());
        assertEquals(1, json.get("repeats").asInt());
    }
}
