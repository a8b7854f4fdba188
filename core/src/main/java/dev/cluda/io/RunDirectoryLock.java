package dev.cluda.io;

import dev.cluda.error.UserInputException;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a second process out of a run directory. On a local disk it is an exclusive OS lock on
 * {@code <runDir>/.lock}, held until {@link #close()} or the process ends (the OS drops it with
 * the process, so a {@code .lock} file left by a killed run never blocks). The file names the
 * holder ({@code host}, {@code pid}, {@code started}) so the refusal can say who has it.
 *
 * <p>Stores without OS locks (object stores, HDFS) get the same file as an advisory marker only:
 * {@link #advisory()} is true and nothing stops a second process, so callers must tell the user
 * that only one process may use such a run directory at a time.
 *
 * <p>Take the lock before {@link OutputDirectory#prepare}, which leaves the lock file in place.
 */
public final class RunDirectoryLock implements AutoCloseable {

    /** The lock file's name in the run directory. */
    public static final String LOCK_FILE = ".lock";

    private final FileStore store;
    private final String lockPath;
    private final String owner;
    private final FileChannel channel;
    private final FileLock lock;
    private final String previousOwner;
    private boolean closed;

    private RunDirectoryLock(FileStore store, String lockPath, String owner, FileChannel channel, FileLock lock,
            String previousOwner) {
        this.store = store;
        this.lockPath = lockPath;
        this.owner = owner;
        this.channel = channel;
        this.lock = lock;
        this.previousOwner = previousOwner;
    }

    /**
     * Locks {@code runDir} (creating it if needed) for this process.
     *
     * @throws UserInputException if another process, or another lock in this JVM, holds it;
     *     the message names the holder's host, pid and start time
     * @throws IOException if the lock file cannot be created or written
     */
    public static RunDirectoryLock acquire(FileStore store, String runDir) throws IOException {
        Optional<RunDirectoryLock> lock = tryAcquire(store, runDir);
        if (lock.isEmpty()) {
            String lockPath = store.resolve(runDir, LOCK_FILE);
            throw new UserInputException(inUseMessage(runDir, store.exists(lockPath) ? read(store, lockPath) : ""));
        }
        return lock.get();
    }

    /**
     * Locks {@code runDir} like {@link #acquire}, or returns empty if another process (or another
     * lock in this JVM) holds it. On stores without OS locks it always succeeds ({@link #advisory()}).
     *
     * @throws IOException if the lock file cannot be created or written
     */
    public static Optional<RunDirectoryLock> tryAcquire(FileStore store, String runDir) throws IOException {
        String lockPath = store.resolve(runDir, LOCK_FILE);
        String owner = ownerRecord();
        Optional<Path> local = store.localPath(lockPath);
        if (local.isEmpty() || !store.supportsLocking(runDir)) {
            String previous = store.exists(lockPath) ? read(store, lockPath) : null;
            store.writeAtomically(lockPath, owner.getBytes(StandardCharsets.UTF_8));
            return Optional.of(new RunDirectoryLock(store, lockPath, owner, null, null, previous));
        }
        Path file = local.get();
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        try {
            String previous = readChannel(channel);
            channel.truncate(0);
            ByteBuffer bytes = ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes, bytes.position());
            }
            channel.force(true);
            return Optional.of(new RunDirectoryLock(store, lockPath, owner, channel, lock,
                    previous.isBlank() ? null : previous));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** True if this is only a marker file (a store without OS locks), not an exclusive lock. */
    public boolean advisory() {
        return lock == null;
    }

    /** The path of the lock file. */
    public String path() {
        return lockPath;
    }

    /** What this process wrote into the lock file: {@code host=}, {@code pid=}, {@code started=} lines. */
    public String owner() {
        return owner;
    }

    /**
     * The owner record found in the lock file before this process took it (a finished or killed
     * run, or, for an advisory lock, possibly a process still running); empty if there was none.
     */
    public Optional<String> previousOwner() {
        return Optional.ofNullable(previousOwner);
    }

    /**
     * Releases the lock. The local lock file stays (deleting it would let two processes lock two
     * different files); an advisory marker is deleted if it is still this process's.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        } else if (store.exists(lockPath) && owner.equals(read(store, lockPath))) {
            store.deleteRecursively(lockPath);
        }
    }

    /** The message for a run directory locked by {@code holderRecord} (the lock file's content). */
    static String inUseMessage(String runDir, String holderRecord) {
        Map<String, String> holder = parse(holderRecord);
        String who = holder.containsKey("pid")
                ? "host " + holder.getOrDefault("host", "?") + ", pid " + holder.get("pid") + " since "
                        + holder.getOrDefault("started", "?")
                : "another process (it has not written its name yet)";
        return "run directory " + runDir + " is in use by " + who + "; wait for it to finish or stop it";
    }

    static Map<String, String> parse(String record) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : record.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static String ownerRecord() {
        return "host=" + hostName() + "\npid=" + ProcessHandle.current().pid() + "\nstarted=" + Instant.now() + "\n";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }

    private static String readChannel(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 4096);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // Positional reads leave the channel position alone for the write that follows.
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static String read(FileStore store, String path) throws IOException {
        try (InputStream in = store.open(path)) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        }
    }
}
