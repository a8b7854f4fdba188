package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {

    @TempDir
    Path dir;

    @Test
    void isTempName_matchesWhatTheStoresCreate_andNothingElse() {
        assertTrue(TempFiles.isTempName(TempFiles.tempName("iter_00000100.ckpt")));
        assertTrue(TempFiles.isTempName(".latest.123456789.tmp"), "HadoopFileStore's old name");
        assertTrue(TempFiles.isTempName(".metrics.jsonl8123456789012345.tmp"), "LocalFileStore's old name");
        for (String keep : List.of(".lock", "latest", "iter_00000100.ckpt", "x.tmp", ".x.tmp", "notes.123.tmp",
                ".latest.123.tmp.bak", ".latest.abc.tmp")) {
            assertFalse(TempFiles.isTempName(keep), keep);
        }
    }

    @Test
    void removeStaleTempFiles_deletesOnlyTempFiles_recursively() throws IOException {
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("metrics.jsonl"), "{}\n");
        Files.writeString(dir.resolve(".lock"), "pid=1\n");
        Files.writeString(dir.resolve(TempFiles.tempName("metrics.jsonl")), "partial");
        Files.writeString(checkpoints.resolve("latest"), "iter_00000100.ckpt\n");
        Files.writeString(checkpoints.resolve("iter_00000100.ckpt"), "ok");
        Files.writeString(checkpoints.resolve(".iter_00000200.ckpt.42.tmp"), "partial");
        Files.writeString(checkpoints.resolve(".latest987.tmp"), "partial");

        assertEquals(3, TempFiles.removeStaleTempFiles(new LocalFileStore(), dir.toString()));
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(List.of(".lock", "checkpoints/iter_00000100.ckpt", "checkpoints/latest", "metrics.jsonl"),
                    files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                            .sorted().toList());
        }
        assertEquals(0, TempFiles.removeStaleTempFiles(new LocalFileStore(), dir.toString()));
    }

    @Test
    void removeStaleTempFiles_missingDirectory_isZero() throws IOException {
        assertEquals(0, TempFiles.removeStaleTempFiles(new LocalFileStore(), dir.resolve("none").toString()));
    }
}
