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

    @Test
    void prepare_regularFile_refusedUnderEveryPolicy_notDeleted() throws IOException {
        Path file = Files.writeString(dir.resolve("results.txt"), "keep me");
        for (OutputDirectory.IfExists policy : OutputDirectory.IfExists.values()) {
            UserInputException e = assertThrows(UserInputException.class,
                    () -> OutputDirectory.prepare(store, file.toString(), policy));
            org.junit.jupiter.api.Assertions.assertEquals("--out " + file
                    + " is a file, not a directory; choose a directory", e.getMessage());
            assertTrue(Files.exists(file), policy.toString());
        }
    }

    @Test
    void prepare_onlyLockFile_isFresh_andOverwriteKeepsLock() throws IOException {
        Files.writeString(dir.resolve(RunDirectoryLock.LOCK_FILE), "pid=1\n");
        assertFalse(OutputDirectory.prepare(store, dir.toString(), OutputDirectory.IfExists.FAIL));
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("checkpoints/latest"), "3");
        Files.writeString(dir.resolve("metrics.jsonl"), "{}");
        assertFalse(OutputDirectory.prepare(store, dir.toString(), OutputDirectory.IfExists.OVERWRITE));
        assertTrue(Files.exists(dir.resolve(RunDirectoryLock.LOCK_FILE)));
        assertFalse(Files.exists(dir.resolve("checkpoints")));
        assertFalse(Files.exists(dir.resolve("metrics.jsonl")));
    }
}
