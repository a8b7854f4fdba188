package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileStoreTest {

    @TempDir
    Path dir;

    /** Thrown from the hook in place of a SIGKILL: nothing after it in the write runs but the cleanup. */
    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeAtomically_replacesContent_leavesNoTempFile() throws IOException {
        Path target = dir.resolve("sub/latest");
        LocalFileStore store = new LocalFileStore();
        store.writeAtomically(target.toString(), bytes("old"));
        store.writeAtomically(target.toString(), bytes("new"));
        assertEquals("new", Files.readString(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("latest"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void writeAtomically_killedJustBeforeRename_oldFileStaysComplete() throws IOException {
        Path target = dir.resolve("latest");
        new LocalFileStore().writeAtomically(target.toString(), bytes("iter_00000100.ckpt\n"));
        Path[] seenTmp = new Path[1];
        LocalFileStore killed = new LocalFileStore(tmp -> {
            seenTmp[0] = tmp;
            // The new bytes are complete and on disk before the rename may happen.
            assertEquals("iter_00000200.ckpt\n", Files.readString(tmp));
            throw new Killed();
        });
        assertThrows(Killed.class, () -> killed.writeAtomically(target.toString(), bytes("iter_00000200.ckpt\n")));
        assertEquals("iter_00000100.ckpt\n", Files.readString(target));
        assertTrue(TempFiles.isTempName(seenTmp[0].getFileName().toString()), seenTmp[0].toString());
        assertEquals(seenTmp[0].getParent(), target.getParent());
        assertEquals(List.of("latest"), names());
    }

    @Test
    void writeAtomically_diskFull_namesPathAndSpace_removesTempFile() throws IOException {
        Path target = dir.resolve("checkpoints/iter_00000200.ckpt");
        new LocalFileStore().writeAtomically(target.toString(), bytes("old checkpoint"));
        LocalFileStore full = new LocalFileStore(tmp -> {
            throw new IOException("No space left on device");
        });
        byte[] checkpoint = new byte[4096];
        IOException e = assertThrows(IOException.class, () -> full.writeAtomically(target.toString(), checkpoint));
        String message = e.getMessage();
        assertTrue(message.contains(target.toString()), message);
        assertTrue(message.contains("No space left on device"), message);
        assertTrue(message.contains("4096 bytes needed"), message);
        assertTrue(message.matches("(?s).*, \\d+ bytes usable in .*"), message);
        assertEquals("old checkpoint", Files.readString(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("iter_00000200.ckpt"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void writeAtomically_parentIsAFile_failsNamingTarget() throws IOException {
        Files.writeString(dir.resolve("checkpoints"), "not a directory");
        String target = dir.resolve("checkpoints/latest").toString();
        IOException e = assertThrows(IOException.class,
                () -> new LocalFileStore().writeAtomically(target, bytes("x")));
        assertTrue(e.getMessage().startsWith("cannot write " + target + " (1 bytes needed, "), e.getMessage());
    }

    @Test
    void writeAtomically_newFile_createsParentDirectories() throws IOException {
        Path target = dir.resolve("a/b/c.json");
        new LocalFileStore().writeAtomically(target.toString(), bytes("{}"));
        assertArrayEquals(bytes("{}"), Files.readAllBytes(target));
    }

    @Test
    void localPath_isTheAbsolutePath_andLockingIsSupported() {
        LocalFileStore store = new LocalFileStore();
        assertEquals(dir.resolve("x").toAbsolutePath(), store.localPath(dir.resolve("x").toString()).orElseThrow());
        assertTrue(store.supportsLocking(dir.toString()));
        assertFalse(new FileStore() {
            @Override public List<String> listFiles(String d) { return List.of(); }
            @Override public boolean exists(String p) { return false; }
            @Override public boolean isDirectory(String p) { return false; }
            @Override public boolean deleteRecursively(String p) { return false; }
            @Override public java.io.InputStream open(String p) { return null; }
            @Override public java.io.OutputStream create(String p) { return null; }
            @Override public void writeAtomically(String p, byte[] b) { }
            @Override public String resolve(String p, String c) { return p + "/" + c; }
            @Override public String relativize(String r, String p) { return p; }
        }.supportsLocking("s3a://b/run"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
