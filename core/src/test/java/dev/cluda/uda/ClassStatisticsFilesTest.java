package dev.cluda.uda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.io.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassStatisticsFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalFileStore store = new LocalFileStore();

    @TempDir
    Path dir;

    private JsonNode readJson(String name) throws IOException {
        return JSON.readTree(dir.resolve(name).toFile());
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void write_threeFiles_haveDaformerKeyLayout() throws IOException {
        ClassStatisticsFiles.write(store, dir.toString(), RcsFixtures.threeClasses());

        JsonNode list = readJson(ClassStatisticsFiles.SAMPLE_CLASS_STATS);
        assertEquals(3, list.size());
        assertEquals(List.of("0", "1", "file"), keys(list.get(0)));
        assertEquals(6000, list.get(0).get("0").asLong());
        assertEquals("a", list.get(0).get("file").asText());
        assertEquals(List.of("0", "2", "file"), keys(list.get(1)));
        assertEquals(List.of("1", "2", "file"), keys(list.get(2)));

        JsonNode dict = readJson(ClassStatisticsFiles.SAMPLE_CLASS_STATS_DICT);
        assertEquals(List.of("a", "b", "c"), keys(dict));
        assertEquals(JSON.readTree("{\"1\": 2000, \"2\": 500}"), dict.get("c"));

        JsonNode withClass = readJson(ClassStatisticsFiles.SAMPLES_WITH_CLASS);
        assertEquals(JSON.readTree("{\"0\": [[\"a\", 6000], [\"b\", 4000]], \"1\": [[\"a\", 4000], [\"c\", 2000]],"
                + " \"2\": [[\"b\", 3500], [\"c\", 500]]}"), withClass);
        assertEquals(List.of("0", "1", "2"), keys(withClass));
    }

    @Test
    void read_afterWrite_roundTripsExactly() throws IOException {
        ClassStatistics stats = RcsFixtures.threeClasses();
        ClassStatisticsFiles.write(store, dir.toString(), stats);
        ClassStatistics back = ClassStatisticsFiles.read(store, dir.toString());
        assertEquals(stats.images(), back.images());
    }

    @Test
    void read_pythonWrittenFile_parses() throws IOException {
        // as json.dump(indent=2) writes it, keys in id_to_trainid order
        Files.writeString(dir.resolve(ClassStatisticsFiles.SAMPLE_CLASS_STATS),
                "[\n  {\n    \"2\": 10,\n    \"0\": 3,\n    \"file\": \"labels/00001_labelTrainIds.png\"\n  }\n]");
        ClassStatistics stats = ClassStatisticsFiles.read(store, dir.toString());
        assertEquals("labels/00001_labelTrainIds.png", stats.images().get(0).file());
        assertEquals(3, stats.images().get(0).count(0));
        assertEquals(10, stats.images().get(0).count(2));
    }

    @Test
    void read_badKeyOrMissingFile_throwsNamingTheFile() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> ClassStatisticsFiles.read(store, dir.toString()));
        assertTrue(missing.getMessage().contains(ClassStatisticsFiles.SAMPLE_CLASS_STATS));
        Files.writeString(dir.resolve(ClassStatisticsFiles.SAMPLE_CLASS_STATS), "[{\"19\": 5, \"file\": \"x\"}]");
        IOException bad = assertThrows(IOException.class, () -> ClassStatisticsFiles.read(store, dir.toString()));
        assertTrue(bad.getMessage().contains(ClassStatisticsFiles.SAMPLE_CLASS_STATS), bad.getMessage());
    }
}
