package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCopyTest {

    @TempDir
    Path dir;

    @Test
    void of_localFile_isTheFileItselfAndSurvivesClose() throws IOException {
        Path file = Files.write(dir.resolve("w.safetensors"), new byte[] {1, 2, 3});
        try (LocalCopy c = LocalCopy.of(new LocalFileStore(), file.toString())) {
            assertEquals(file.toAbsolutePath(), c.path());
        }
        assertTrue(Files.exists(file));
    }

    @Test
    void of_remoteFile_isATemporaryCopyDeletedOnClose() throws IOException {
        Path file = Files.write(dir.resolve("w.npz"), new byte[] {4, 5, 6, 7});
        RemoteLikeStore store = new RemoteLikeStore();
        Path copy;
        try (LocalCopy c = LocalCopy.of(store, file.toString())) {
            copy = c.path();
            assertNotEquals(file.toAbsolutePath(), copy.toAbsolutePath());
            assertArrayEquals(new byte[] {4, 5, 6, 7}, Files.readAllBytes(copy));
            assertTrue(copy.getFileName().toString().endsWith("-w.npz"), copy.toString());
        }
        assertEquals(1, store.opened().size());
        assertFalse(Files.exists(copy), "the temporary copy is deleted");
    }
}
