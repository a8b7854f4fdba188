package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cluda.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's Spark pins work on Java 17: a local session starts with the module opens, and
 * {@code spark.read.json} runs (it fails when avro's older jackson-core wins over the BOM).
 */
@IntegrationTest
class LocalSparkTest {

    @TempDir
    Path dir;

    @Test
    void localSession_readsJson() throws Exception {
        Path json = dir.resolve("m.jsonl");
        Files.write(json, List.of("{\"iter\": 1, \"loss\": 0.5}", "{\"iter\": 2, \"loss\": 0.25}"));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("smoke")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            Dataset<Row> rows = spark.read().json(json.toString());
            assertEquals(2, rows.count());
            assertEquals(0.75, rows.selectExpr("sum(loss)").first().getDouble(0), 1e-12);
        } finally {
            spark.stop();
        }
    }
}
