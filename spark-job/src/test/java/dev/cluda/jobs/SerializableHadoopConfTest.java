package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class SerializableHadoopConfTest {

    @Test
    void javaSerialization_keepsEveryEntry() throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
        conf.set("fs.s3a.path.style.access", "true");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new SerializableHadoopConf(conf));
        }
        SerializableHadoopConf back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (SerializableHadoopConf) in.readObject();
        }
        assertNotSame(conf, back.conf());
        assertEquals("http://127.0.0.1:9000", back.conf().get("fs.s3a.endpoint"));
        assertEquals("true", back.conf().get("fs.s3a.path.style.access"));
        assertEquals(2, back.conf().size());
    }
}
