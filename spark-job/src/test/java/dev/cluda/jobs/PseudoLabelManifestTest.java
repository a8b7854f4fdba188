package dev.cluda.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudoLabelManifestTest {

    @TempDir
    Path dir;

    private static PseudoLabelManifest sample(int w, int h) {
        return new PseudoLabelManifest(1, "/runs/a/checkpoints/iter_00000004.ckpt", 4, "teacher", 0.968, w, h,
                "cityscapes", "/data/cs", "train", 19, 2975);
    }

    @Test
    void writeRead_roundTripsEveryField() throws IOException {
        FileStore store = HadoopFileStore.local();
        for (PseudoLabelManifest m : new PseudoLabelManifest[] {sample(0, 0), sample(1024, 512)}) {
            m.write(store, dir.toString());
            assertEquals(m, PseudoLabelManifest.read(store, dir.toString()));
        }
    }

    @Test
    void toJson_hasTheDocumentedKeys() throws IOException {
        JsonNode json = new ObjectMapper().readTree(sample(1024, 512).toJson());
        assertEquals(1, json.get("format_version").asInt());
        assertEquals("teacher", json.get("weights").asText());
        assertEquals(0.968, json.get("threshold").asDouble());
        assertEquals("running_statistics", json.get("batch_norm").asText());
        assertEquals(1024, json.get("inference_size").get(0).asInt());
        assertEquals("train", json.get("dataset").get("split").asText());
        assertEquals("{id}_pseudo.png", json.get("label_file").asText());
        assertEquals("{id}_conf.png", json.get("confidence_file").asText());
        assertEquals(255, json.get("confidence_scale").asInt());
        assertEquals(2975, json.get("images").asLong());
        assertTrue(new ObjectMapper().readTree(sample(0, 0).toJson()).get("inference_size").isNull());
    }

    @Test
    void parse_otherFormatVersion_isRejectedNamingTheSource() {
        String json = sample(0, 0).toJson().replace("\"format_version\" : 1", "\"format_version\" : 2");
        IOException e = assertThrows(IOException.class, () -> PseudoLabelManifest.parse(json, "x/pseudo_labels.json"));
        assertTrue(e.getMessage().startsWith("x/pseudo_labels.json: format_version 2"), e.getMessage());
    }

    @Test
    void parse_missingKey_namesIt() {
        String json = sample(0, 0).toJson().replace("\"weights\"", "\"weightz\"");
        IOException e = assertThrows(IOException.class, () -> PseudoLabelManifest.parse(json, "m.json"));
        assertTrue(e.getMessage().contains("missing key \"weights\""), e.getMessage());
    }

    @Test
    void read_folderWithoutManifest_isFileNotFoundNamingIt() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> PseudoLabelManifest.read(HadoopFileStore.local(), dir.toString()));
        assertTrue(e.getMessage().contains("pseudo_labels.json"), e.getMessage());
    }

    @Test
    void fileNames_followTheId() {
        assertEquals("aachen_000000_000019_pseudo.png", PseudoLabelManifest.labelFile("aachen_000000_000019"));
        assertEquals("aachen_000000_000019_conf.png", PseudoLabelManifest.confidenceFile("aachen_000000_000019"));
    }
}
