package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFileStoreTest {

    @TempDir
    Path dir;

    private final HadoopFileStore store = HadoopFileStore.local();

    @Test
    void createListOpen_localPathAndFileUri_seeTheSameFiles() throws IOException {
        try (OutputStream out = store.create(dir.resolve("a/b/one.txt").toString())) {
            out.write("one".getBytes(StandardCharsets.UTF_8));
        }
        store.writeAtomically(dir.resolve("a/two.txt").toString(), "two".getBytes(StandardCharsets.UTF_8));

        List<String> viaPath = store.listFiles(dir.toString());
        List<String> viaUri = store.listFiles(dir.toUri().toString());
        assertEquals(2, viaPath.size());
        assertEquals(viaPath, viaUri);
        assertEquals(List.of("a/b/one.txt", "a/two.txt"),
                viaPath.stream().map(p -> store.relativize(dir.toString(), p)).toList());
        try (InputStream in = store.open(viaPath.get(1))) {
            assertArrayEquals("two".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        }
    }

    @Test
    void writeAtomically_replacesAndLeavesNoTemporaryFile() throws IOException {
        String target = dir.resolve("eval.json").toString();
        store.writeAtomically(target, "old".getBytes(StandardCharsets.UTF_8));
        store.writeAtomically(target, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(dir.resolve("eval.json")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("eval.json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void listFiles_missingDirectory_namesIt() {
        IOException e = assertThrows(IOException.class, () -> store.listFiles(dir.resolve("nope").toString()));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        assertFalse(assertDoesNotThrowExists(dir.resolve("nope").toString()));
    }

    private boolean assertDoesNotThrowExists(String p) {
        try {
            return store.exists(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
