package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

    private static final String SECRET = "s3cr3t/Value+With=Chars";

    @Test
    void from_endpointAndKeysInEnvironment_setsEveryS3aKey() {
        S3Settings s = S3Settings.from(Map.of(
                "CLUDA_S3_ENDPOINT", "http://127.0.0.1:9000",
                "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", SECRET), new Properties());

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("fs.s3a.endpoint", "http://127.0.0.1:9000");
        expected.put("fs.s3a.endpoint.region", "eu-west-1");
        expected.put("fs.s3a.path.style.access", "true");
        expected.put("fs.s3a.connection.ssl.enabled", "false");
        expected.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        expected.put("fs.s3a.access.key", "AKIDEXAMPLE");
        expected.put("fs.s3a.secret.key", SECRET);
        assertEquals(expected, s.hadoopProperties());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(s.hadoopProperties().keySet()));
    }

    @Test
    void sparkProperties_prefixEveryHadoopKey() {
        S3Settings s = S3Settings.builder().optEndpoint("https://s3.example.org").build();
        Map<String, String> spark = s.sparkProperties();
        assertEquals(Map.of(
                "spark.hadoop.fs.s3a.endpoint", "https://s3.example.org",
                "spark.hadoop.fs.s3a.endpoint.region", "us-east-1",
                "spark.hadoop.fs.s3a.path.style.access", "true",
                "spark.hadoop.fs.s3a.connection.ssl.enabled", "true"), spark);
    }

    @Test
    void from_systemPropertyOverridesVariable_andDefaultRegionIsFallback() {
        Properties props = new Properties();
        props.setProperty("cluda.s3.endpoint", "https://minio.local:9443");
        props.setProperty("cluda.s3.pathStyle", "false");
        S3Settings s = S3Settings.from(Map.of(
                "CLUDA_S3_ENDPOINT", "http://ignored:1",
                "AWS_DEFAULT_REGION", "ap-south-1"), props);
        assertEquals("https://minio.local:9443", s.endpoint());
        assertEquals("ap-south-1", s.region());
        assertFalse(s.pathStyleAccess());
        assertTrue(s.sslEnabled());
        assertFalse(s.hasCredentials());
    }

    @Test
    void from_nothingSet_changesNothing() {
        S3Settings s = S3Settings.from(Map.of(), new Properties());
        assertNull(s.endpoint());
        assertNull(s.region());
        assertEquals(Map.of(), s.hadoopProperties());
        Configuration conf = s.applyTo(new Configuration(false));
        assertEquals(0, conf.size());
    }

    @Test
    void from_regionOnly_setsRegionOnly() {
        S3Settings s = S3Settings.from(Map.of("AWS_REGION", "eu-central-1"), new Properties());
        assertEquals(Map.of("fs.s3a.endpoint.region", "eu-central-1"), s.hadoopProperties());
    }

    @Test
    void applyTo_setsHadoopConfiguration() {
        Configuration conf = new Configuration(false);
        S3Settings.builder().optEndpoint("http://127.0.0.1:1").optCredentials("AK", SECRET).build().applyTo(conf);
        assertEquals("http://127.0.0.1:1", conf.get("fs.s3a.endpoint"));
        assertEquals("false", conf.get("fs.s3a.connection.ssl.enabled"));
        assertEquals(SECRET, conf.get("fs.s3a.secret.key"));
        assertEquals("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
                conf.get("fs.s3a.aws.credentials.provider"));
    }

    @Test
    void from_secretWithoutAccessKey_namesVariablesNotValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.from(Map.of("AWS_SECRET_ACCESS_KEY", SECRET), new Properties()));
        assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void optEndpoint_withCredentialsOrBadScheme_rejectedWithoutEchoingSecret() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.builder().optEndpoint("http://AK:" + SECRET.replace("/", "") + "@host:9000"));
        assertFalse(e.getMessage().contains(SECRET.replace("/", "")), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> S3Settings.builder().optEndpoint("ftp://host"));
        assertThrows(IllegalArgumentException.class, () -> S3Settings.from(
                Map.of("CLUDA_S3_PATH_STYLE", "yes"), new Properties()));
    }

    @Test
    void toString_hidesKeys() {
        S3Settings s = S3Settings.builder().optEndpoint("http://127.0.0.1:9000").optCredentials("AKIDEXAMPLE", SECRET)
                .build();
        String text = s.toString();
        assertFalse(text.contains(SECRET), text);
        assertFalse(text.contains("AKIDEXAMPLE"), text);
        assertTrue(text.contains("127.0.0.1:9000"), text);
    }
}
