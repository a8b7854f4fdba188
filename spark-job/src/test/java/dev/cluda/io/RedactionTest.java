package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class RedactionTest {

    private static final String ACCESS = "AKIAEXAMPLEKEY123456";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    @Test
    void redact_assignmentsInEveryNotation_maskValuesOnly() {
        Redaction r = Redaction.patternsOnly();
        assertEquals("fs.s3a.secret.key=<redacted> next", r.redact("fs.s3a.secret.key=abc next"));
        assertEquals("--conf spark.hadoop.fs.s3a.access.key=<redacted>",
                r.redact("--conf spark.hadoop.fs.s3a.access.key=AKID"));
        assertEquals("\"fs.s3a.secret.key\" : \"<redacted>\",", r.redact("\"fs.s3a.secret.key\" : \"a b\\\"c\","));
        assertEquals("fs.s3a.bucket.data.secret.key = '<redacted>'", r.redact("fs.s3a.bucket.data.secret.key = 'x'"));
        assertEquals("AWS_SECRET_ACCESS_KEY=<redacted> AWS_ACCESS_KEY_ID=<redacted> AWS_SESSION_TOKEN=<redacted>",
                r.redact("AWS_SECRET_ACCESS_KEY=s AWS_ACCESS_KEY_ID=a AWS_SESSION_TOKEN=t"));
        assertEquals("{cluda.s3.secretKey: <redacted>}", r.redact("{cluda.s3.secretKey: v}"));
        assertEquals("<name>fs.s3a.secret.key</name><value><redacted></value>",
                r.redact("<name>fs.s3a.secret.key</name><value>abc</value>"));
        assertEquals("s3a://<redacted>@bucket/path", r.redact("s3a://AK:SEC@bucket/path"));
    }

    @Test
    void redact_nonSecretKeys_untouched() {
        Redaction r = Redaction.patternsOnly();
        String text = "fs.s3a.endpoint=http://127.0.0.1:9000 fs.s3a.aws.credentials.provider="
                + "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider model.tokens=64 train.iters: 100";
        assertEquals(text, r.redact(text));
        assertEquals(null, r.redact(null));
    }

    @Test
    void redact_knownValues_maskedAnywhere() {
        Redaction r = Redaction.of(List.of(ACCESS, SECRET, ""));
        String text = "signature mismatch for " + ACCESS + " (secret " + SECRET + ")";
        assertEquals("signature mismatch for <redacted> (secret <redacted>)", r.redact(text));
    }

    @Test
    void redact_hoconDumpWithNestedKeys_masksValuesFromFlattenedConfig() {
        Config config = ConfigFactory.parseString("spark.hadoop.fs.s3a.secret.key = \"" + SECRET + "\"\n"
                + "spark.hadoop { \"fs.s3a.access.key\" = " + ACCESS + " }\n"
                + "train.iters = 40\n");
        String dump = config.root().render(ConfigRenderOptions.defaults());
        assertTrue(dump.contains(SECRET), "the nested rendering holds the raw secret: " + dump);

        String redacted = Redaction.patternsOnly().withSecretsOf(config.entrySet()).redact(dump);
        assertFalse(redacted.contains(SECRET), redacted);
        assertFalse(redacted.contains(ACCESS), redacted);
        assertTrue(redacted.contains("\"iters\" : 40"), redacted);
    }

    @Test
    void redact_hadoopXmlDump_noKeyLeft() throws IOException {
        Configuration conf = new Configuration(false);
        S3Settings.builder().optEndpoint("http://127.0.0.1:9000").optCredentials(ACCESS, SECRET).build().applyTo(conf);
        ByteArrayOutputStream xml = new ByteArrayOutputStream();
        conf.writeXml(xml);
        String dump = xml.toString(StandardCharsets.UTF_8);
        assertTrue(dump.contains(SECRET));

        String byPattern = Redaction.patternsOnly().redact(dump);
        assertFalse(byPattern.contains(SECRET), byPattern);
        assertFalse(byPattern.contains(ACCESS), byPattern);
        assertTrue(byPattern.contains("http://127.0.0.1:9000"), byPattern);
        assertFalse(Redaction.patternsOnly().withSecretsOf(conf).redact(dump).contains(SECRET));
    }

    @Test
    void forEnvironment_masksVariableAndPropertyValues() {
        Properties props = new Properties();
        props.setProperty("cluda.s3.secretKey", "propSecretValue");
        Redaction r = Redaction.forEnvironment(Map.of("AWS_SECRET_ACCESS_KEY", SECRET, "AWS_ACCESS_KEY_ID", ACCESS),
                props);
        assertEquals("<redacted>/<redacted>/<redacted>", r.redact(SECRET + "/" + ACCESS + "/propSecretValue"));
    }

    @Test
    void redactMessages_walksCauses() {
        Exception e = new IllegalStateException("outer " + SECRET, new IOException("inner " + ACCESS));
        String text = Redaction.of(List.of(ACCESS, SECRET)).redactMessages(e);
        assertEquals("java.lang.IllegalStateException: outer <redacted>" + System.lineSeparator()
                + "caused by: java.io.IOException: inner <redacted>", text);
    }

    @Test
    void isSensitiveKey_classifiesS3aKeys() {
        assertTrue(Redaction.isSensitiveKey("fs.s3a.secret.key"));
        assertTrue(Redaction.isSensitiveKey("spark.hadoop.fs.s3a.access.key"));
        assertTrue(Redaction.isSensitiveKey("fs.s3a.session.token"));
        assertTrue(Redaction.isSensitiveKey("s3proxy.credential"));
        assertFalse(Redaction.isSensitiveKey("fs.s3a.aws.credentials.provider"));
        assertFalse(Redaction.isSensitiveKey("fs.s3a.endpoint"));
    }
}
