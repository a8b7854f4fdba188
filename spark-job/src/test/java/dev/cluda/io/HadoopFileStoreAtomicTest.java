package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HadoopFileStore#writeAtomically} on the local {@code file:} file system: never a moment without the file. */
class HadoopFileStoreAtomicTest {

    @TempDir
    Path dir;

    /** Thrown from the hook in place of a SIGKILL inside the write. */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void writeAtomically_killedJustBeforeReplace_oldFileStaysComplete() throws IOException {
        for (String target : List.of(dir.resolve("latest").toString(), dir.resolve("uri/latest").toUri().toString())) {
            HadoopFileStore.local().writeAtomically(target, utf8("iter_00000100.ckpt\n"));
            HadoopFileStore killed = new HadoopFileStore(new Configuration(), () -> {
                throw new Killed();
            });
            assertThrows(Killed.class, () -> killed.writeAtomically(target, utf8("iter_00000200.ckpt\n")));
            try (var in = HadoopFileStore.local().open(target)) {
                assertEquals("iter_00000100.ckpt\n", new String(in.readAllBytes(), StandardCharsets.UTF_8), target);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(List.of("latest", "uri/latest"), files.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList());
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writeAtomically_whileReplacedRepeatedly_readerAlwaysSeesOldOrNew() throws Exception {
        String target = dir.resolve("checkpoints/latest").toUri().toString();
        HadoopFileStore store = HadoopFileStore.local();
        store.writeAtomically(target, utf8("iter_0\n"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!done.get()) {
                    try (var in = store.open(target)) {
                        String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        if (!content.matches("iter_\\d+\n")) {
                            throw new AssertionError("torn content: '" + content + "'");
                        }
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 1; i <= 300 && failure.get() == null; i++) {
            store.writeAtomically(target, utf8("iter_" + i + "\n"));
        }
        done.set(true);
        reader.join();
        assertNull(failure.get(), () -> "reader saw a missing or torn file: " + failure.get());
    }

    @Test
    void renameOver_fileContextOverwrite_replaces_andRemovesTempOnFailure() throws IOException {
        // The HDFS path of writeAtomically, exercised on the local file system (where it is not atomic).
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("eval.json").toUri());
        FileSystem fs = ((org.apache.hadoop.fs.LocalFileSystem) FileSystem.getLocal(conf)).getRawFileSystem();
        FileContext fc = FileContext.getFileContext(target.toUri(), conf);
        HadoopFileStore.renameOver(fs, fc, target, utf8("old"), () -> { });
        HadoopFileStore.renameOver(fs, fc, target, utf8("new"), () -> { });
        assertEquals("new", Files.readString(dir.resolve("eval.json")));
        assertThrows(Killed.class, () -> HadoopFileStore.renameOver(fs, fc, target, utf8("newer"), () -> {
            throw new Killed();
        }));
        assertEquals("new", Files.readString(dir.resolve("eval.json")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("eval.json"), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".crc")).toList());
        }
    }

    @Test
    void localPath_fileSchemeAndPlainPath_areLocal_soLockingIsReal() throws IOException {
        HadoopFileStore store = HadoopFileStore.local();
        assertEquals(dir.resolve("run"), store.localPath(dir.resolve("run").toUri().toString()).orElseThrow());
        assertEquals(dir.resolve("run"), store.localPath(dir.resolve("run").toString()).orElseThrow());
        assertTrue(store.supportsLocking(dir.toUri().toString()));
        String run = dir.resolve("run").toUri().toString();
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(store, run)) {
            assertFalse(lock.advisory());
            assertThrows(dev.cluda.error.UserInputException.class, () -> RunDirectoryLock.acquire(new LocalFileStore(),
                    dir.resolve("run").toString()));
        }
    }

    @Test
    void removeStaleTempFiles_onFileUri_deletesTheStoresTempNames() throws IOException {
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("checkpoints/.latest.123.tmp"), "partial");
        Files.writeString(dir.resolve("checkpoints/latest"), "iter_1\n");
        assertEquals(1, TempFiles.removeStaleTempFiles(HadoopFileStore.local(), dir.toUri().toString()));
        assertTrue(Files.exists(dir.resolve("checkpoints/latest")));
    }
}
