package dev.cluda.io;

import dev.cluda.error.UserInputException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryLockTest {

    @TempDir
    Path dir;

    private final LocalFileStore store = new LocalFileStore();

    @Test
    void acquire_writesOwner_closeReleases() throws IOException {
        String run = dir.resolve("run").toString();
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(store, run)) {
            assertFalse(lock.advisory());
            String content = Files.readString(dir.resolve("run/.lock"));
            assertEquals(lock.owner(), content);
            assertTrue(content.contains("pid=" + ProcessHandle.current().pid() + "\n"), content);
            assertTrue(content.matches("(?s)host=.+\npid=\\d+\nstarted=\\d{4}-\\d\\d-\\d\\dT.+Z\n"), content);
        }
        try (RunDirectoryLock again = RunDirectoryLock.acquire(store, run)) {
            assertFalse(again.advisory());
        }
    }

    @Test
    void acquire_twiceInOneJvm_secondFailsNamingHolder() throws IOException {
        String run = dir.toString();
        try (RunDirectoryLock first = RunDirectoryLock.acquire(store, run)) {
            UserInputException e = assertThrows(UserInputException.class, () -> RunDirectoryLock.acquire(store, run));
            String message = e.getMessage();
            assertTrue(message.startsWith("run directory " + run + " is in use by host "), message);
            assertTrue(message.contains(", pid " + ProcessHandle.current().pid() + " since "), message);
            assertTrue(message.endsWith("; wait for it to finish or stop it"), message);
            // The refused attempt must not clobber the holder's record.
            assertEquals(first.owner(), Files.readString(dir.resolve(".lock")));
        }
    }

    @Test
    void acquire_heldByAnotherProcess_fails_thenSucceedsAfterItDies() throws Exception {
        String run = dir.resolve("run").toString();
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolderMain.class.getName(), run)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("LOCKED " + holder.pid() + " advisory=false", line);

            UserInputException e = assertThrows(UserInputException.class, () -> RunDirectoryLock.acquire(store, run));
            assertTrue(e.getMessage().contains(", pid " + holder.pid() + " since "), e.getMessage());

            try (OutputStream in = holder.getOutputStream()) {
                in.write('\n');
            }
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "lock holder did not exit");
        } finally {
            holder.destroyForcibly();
        }
        // The dead holder's .lock file is still there, but its OS lock died with it.
        assertTrue(Files.readString(dir.resolve("run/.lock")).contains("pid=" + holder.pid() + "\n"));
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(store, run)) {
            assertFalse(lock.advisory());
            assertTrue(lock.previousOwner().orElseThrow().contains("pid=" + holder.pid() + "\n"));
            assertTrue(Files.readString(dir.resolve("run/.lock")).contains("pid=" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void tryAcquire_heldElsewhere_emptyAndTheHolderKeepsItsRecord_thenFreeAfterClose() throws IOException {
        String run = dir.resolve("run").toString();
        RunDirectoryLock first = RunDirectoryLock.tryAcquire(store, run).orElseThrow();
        assertTrue(RunDirectoryLock.tryAcquire(store, run).isEmpty());
        assertEquals(first.owner(), Files.readString(dir.resolve("run/.lock")));
        first.close();
        try (RunDirectoryLock again = RunDirectoryLock.tryAcquire(store, run).orElseThrow()) {
            assertFalse(again.advisory());
        }
    }

    @Test
    void acquire_staleLockFileWithGarbage_doesNotBlock() throws IOException {
        Files.writeString(dir.resolve(".lock"), "host=gone\npid=999999\nstarted=2020-01-01T00:00:00Z\n");
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(store, dir.toString())) {
            assertEquals("host=gone\npid=999999\nstarted=2020-01-01T00:00:00Z\n", lock.previousOwner().orElseThrow());
            assertEquals(lock.owner(), Files.readString(dir.resolve(".lock")));
        }
    }

    @Test
    void acquire_storeWithoutLocking_isAdvisoryMarker() throws IOException {
        FileStore remote = new NoLockStore(store);
        String run = dir.resolve("run").toString();
        RunDirectoryLock first = RunDirectoryLock.acquire(remote, run);
        assertTrue(first.advisory());
        assertEquals(first.owner(), Files.readString(dir.resolve("run/.lock")));
        // Advisory: a second process is not stopped, it only sees who was there.
        try (RunDirectoryLock second = RunDirectoryLock.acquire(remote, run)) {
            assertTrue(second.advisory());
            assertEquals(first.owner(), second.previousOwner().orElseThrow());
            first.close();
            assertTrue(Files.exists(dir.resolve("run/.lock")), "first must not delete the second's marker");
        }
        assertFalse(Files.exists(dir.resolve("run/.lock")));
    }

    @Test
    void inUseMessage_unreadableRecord_stillSaysInUse() {
        assertEquals("run directory /r is in use by another process (it has not written its name yet); "
                + "wait for it to finish or stop it", RunDirectoryLock.inUseMessage("/r", ""));
    }

    /** The local disk seen as a remote store: no local paths, so no OS locks. */
    private record NoLockStore(LocalFileStore local) implements FileStore {
        @Override public List<String> listFiles(String d) throws IOException { return local.listFiles(d); }
        @Override public boolean exists(String p) { return local.exists(p); }
        @Override public boolean isDirectory(String p) { return local.isDirectory(p); }
        @Override public boolean deleteRecursively(String p) throws IOException { return local.deleteRecursively(p); }
        @Override public InputStream open(String p) throws IOException { return local.open(p); }
        @Override public OutputStream create(String p) throws IOException { return local.create(p); }
        @Override public void writeAtomically(String p, byte[] b) throws IOException { local.writeAtomically(p, b); }
        @Override public String resolve(String p, String c) { return local.resolve(p, c); }
        @Override public String relativize(String r, String p) { return local.relativize(r, p); }
    }
}
