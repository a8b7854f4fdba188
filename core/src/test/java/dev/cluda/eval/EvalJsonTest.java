package dev.cluda.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.data.CityscapesClass;
import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalJsonTest {

    @TempDir
    Path dir;

    private static EvalResult example() {
        return EvalResult.of(4000, 500, ConfusionMatrixTest.nineteenClassExample());
    }

    @Test
    void toJson_example_hasExactContractKeysInOrder() throws IOException {
        JsonNode root = new ObjectMapper().readTree(EvalJson.toJson(example()));
        assertEquals(List.of("iter", "mIoU", "mIoU16", "mIoU13", "pixel_accuracy", "classes", "num_images"),
                names(root));
        List<String> classNames = new ArrayList<>();
        for (CityscapesClass c : CityscapesClass.values()) {
            classNames.add(c.displayName());
        }
        assertEquals(classNames, names(root.get("classes")));
        assertEquals(4000, root.get("iter").intValue());
        assertEquals(500, root.get("num_images").longValue());
        assertEquals(75.0, root.get("mIoU").doubleValue(), 1e-9);
        assertEquals(50.0, root.get("classes").get("road").doubleValue(), 1e-9);
        assertEquals(100.0, root.get("classes").get("traffic light").doubleValue(), 1e-9);
        assertTrue(root.get("classes").get("terrain").isNull());
    }

    @Test
    void writeThenRead_localStore_givesEqualResult() throws IOException {
        LocalFileStore store = new LocalFileStore();
        String path = dir.resolve("run").resolve(EvalJson.FILE_NAME).toString();
        EvalJson.write(store, path, example());
        assertEquals(example(), EvalJson.read(store, path));
        try (var files = Files.list(dir.resolve("run"))) {
            assertEquals(List.of(EvalJson.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void parse_onlyContractKeys_recomputesSubsetMeansFromClasses() throws IOException {
        StringBuilder classes = new StringBuilder();
        for (CityscapesClass c : CityscapesClass.values()) {
            String value = c == CityscapesClass.TERRAIN ? "null" : c.trainId() < 3 ? "40" : "80";
            classes.append(classes.length() == 0 ? "" : ", ").append('"').append(c.displayName()).append("\": ")
                    .append(value);
        }
        String json = "{\"iter\": 12, \"mIoU\": 75.5, \"classes\": {" + classes + "}, \"num_images\": 3}";
        EvalResult r = EvalJson.parse(json, "eval.json");
        assertEquals(12, r.iter());
        assertEquals(3, r.numImages());
        assertEquals(75.5, r.mIoU());
        assertTrue(Double.isNaN(r.classIou(CityscapesClass.TERRAIN)));
        // 16 classes: three at 40, thirteen at 80
        assertEquals((3 * 40 + 13 * 80) / 16.0, r.mIoU16(), 1e-9);
        // 13 classes: three at 40, ten at 80
        assertEquals((3 * 40 + 10 * 80) / 13.0, r.mIoU13(), 1e-9);
        assertTrue(Double.isNaN(r.pixelAccuracy()));
    }

    @Test
    void parse_missingKey_throwsNamingSourceAndKey() {
        String json = EvalJson.toJson(example()).replace("\"num_images\"", "\"images\"");
        var e = assertThrows(IOException.class, () -> EvalJson.parse(json, "/runs/a/eval.json"));
        assertTrue(e.getMessage().contains("/runs/a/eval.json") && e.getMessage().contains("num_images"),
                e.getMessage());
    }

    @Test
    void parse_unknownOrMissingClass_throws() {
        String renamed = EvalJson.toJson(example()).replace("\"traffic light\"", "\"traffic_light\"");
        var e = assertThrows(IOException.class, () -> EvalJson.parse(renamed, "x.json"));
        assertTrue(e.getMessage().contains("traffic light"), e.getMessage());
        assertThrows(IOException.class, () -> EvalJson.parse("{\"iter\": 1,", "x.json"));
        assertThrows(IOException.class, () -> EvalJson.parse("[]", "x.json"));
    }

    @Test
    void parse_percentOutOfRange_throwsNamingSource() {
        String json = EvalJson.toJson(example()).replaceFirst("\"mIoU\" : [0-9.]+", "\"mIoU\" : 175.0");
        var e = assertThrows(IOException.class, () -> EvalJson.parse(json, "bad.json"));
        assertTrue(e.getMessage().startsWith("bad.json: mIoU"), e.getMessage());
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
