package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cluda.jobs.TestSpark;
import dev.cluda.testing.IntegrationTest;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The driver reads paths with the application's Hadoop configuration: {@code spark.hadoop.*}
 * settings from spark-submit before a session runs (e.g. a web-identity S3 credentials provider),
 * the running session's configuration once one does.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HadoopFileStoreDriverTest {

    @Test
    @Order(1)
    void forDriver_beforeASession_hasTheSparkHadoopSettingsOfSparkSubmit() {
        SparkSession.getActiveSession().foreach(s -> { s.stop(); return null; });
        SparkSession.getDefaultSession().foreach(s -> { s.stop(); return null; });
        // spark-submit --conf spark.hadoop.K=V reaches the driver JVM as this system property
        System.setProperty("spark.hadoop.fs.s3a.aws.credentials.provider", "com.example.FromSubmit");
        try {
            assertEquals("com.example.FromSubmit", HadoopFileStore.forDriver().configuration()
                    .get("fs.s3a.aws.credentials.provider"));
        } finally {
            System.clearProperty("spark.hadoop.fs.s3a.aws.credentials.provider");
        }
    }

    @Test
    @Order(2)
    void forDriver_withASessionRunning_hasItsHadoopConfiguration() {
        SparkSession spark = TestSpark.start();
        try {
            spark.sparkContext().hadoopConfiguration().set("fs.s3a.endpoint", "http://set-on-the-session:9000");
            assertEquals("http://set-on-the-session:9000",
                    HadoopFileStore.forDriver().configuration().get("fs.s3a.endpoint"));
        } finally {
            spark.stop();
        }
    }
}
