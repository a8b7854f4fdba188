package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.error.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    @Test
    void prepare_missingOrEmptyDirectory_isFresh() throws IOException {
        assertFalse(OutputDirectory.prepare(store, dir.resolve("new").toString(), OutputDirectory.IfExists.FAIL));
        assertFalse(OutputDirectory.prepare(store, dir.toString(), OutputDirectory.IfExists.FAIL));
    }

    @Test
    void prepare_populatedDirectory_failsAndKeepsFiles() throws IOException {
        Files.writeString(dir.resolve("metrics.jsonl"), "{}");
        UserInputException e = assertThrows(UserInputException.class,
                () -> OutputDirectory.prepare(store, dir.toString(), OutputDirectory.IfExists.FAIL));
        assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--overwrite"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("metrics.jsonl")));
    }

    @Test
    void prepare_resumeKeepsFiles_overwriteDeletesThem() throws IOException {
        Files.createDirectories(dir.resolve("run/checkpoints"));
        Files.writeString(dir.resolve("run/checkpoints/latest"), "3");
        String run = dir.resolve("run").toString();
        assertTrue(OutputDirectory.prepare(store, run, OutputDirectory.IfExists.RESUME));
        assertTrue(Files.exists(dir.resolve("run/checkpoints/latest")));
        assertFalse(OutputDirectory.prepare(store, run, OutputDirectory.IfExists.OVERWRITE));
        assertFalse(Files.exists(dir.resolve("run")));
    }
}
