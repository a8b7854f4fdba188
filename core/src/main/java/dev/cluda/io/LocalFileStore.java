package dev.cluda.io;

import dev.cluda.error.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link FileStore} over the local file system. */
public final class LocalFileStore implements FileStore {

    /** A step run on the complete, fsynced temporary file just before it replaces the target. */
    @FunctionalInterface
    interface BeforeRename {
        void run(Path tmp) throws IOException;
    }

    /** Tests throw from it to simulate a kill or a full disk inside the write. */
    private final BeforeRename beforeRename;

    public LocalFileStore() {
        this(tmp -> { });
    }

    /** A store whose atomic writes run {@code beforeRename} just before replacing the target (tests only). */
    LocalFileStore(BeforeRename beforeRename) {
        this.beforeRename = Objects.requireNonNull(beforeRename, "beforeRename");
    }

    @Override
    public List<String> listFiles(String dir) throws IOException {
        Path root = Path.of(dir);
        if (!Files.isDirectory(root)) {
            throw new InvalidFileException("not a directory: " + dir);
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        }
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(Path.of(path));
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(Path.of(path));
    }

    @Override
    public boolean deleteRecursively(String path) throws IOException {
        Path root = Path.of(path);
        if (!Files.exists(root)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return true;
    }

    @Override
    public InputStream open(String path) throws IOException {
        return Files.newInputStream(Path.of(path));
    }

    @Override
    public OutputStream create(String path) throws IOException {
        Path p = Path.of(path);
        if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
        }
        return Files.newOutputStream(p);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The bytes go to a hidden temporary file in the target's directory, which is fsynced,
     * then renamed over the target in one step (rename(2) replaces atomically on POSIX), then the
     * directory is fsynced so the rename survives a power loss. A failure (such as a full disk)
     * reports the bytes needed and the usable space.
     */
    @Override
    public void writeAtomically(String path, byte[] bytes) throws IOException {
        Path target = Path.of(path).toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = dir.resolve(TempFiles.tempName(target.getFileName().toString()));
        boolean renamed = false;
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            beforeRename.run(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
        } catch (IOException e) {
            throw writeFailure(path, dir, bytes.length, e);
        } finally {
            if (!renamed) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(dir);
    }

    /** An IOException naming the target, with the space needed and left so a full disk is obvious. */
    static IOException writeFailure(String path, Path dir, long needed, IOException cause) {
        String space;
        try {
            space = needed + " bytes needed, " + Files.getFileStore(dir).getUsableSpace() + " bytes usable in " + dir;
        } catch (IOException | RuntimeException e) {
            space = needed + " bytes needed, usable space in " + dir + " unknown";
        }
        return new IOException("cannot write " + path + " (" + space + "): " + cause.getMessage()
                + "; free disk space or choose another --out", cause);
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // The original failure matters more; a leftover is removed by TempFiles.removeStaleTempFiles.
        }
    }

    /** Makes a rename durable; some file systems (and Windows) cannot open a directory, which is fine. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Durability of the rename is best effort where the OS does not allow it.
        }
    }

    @Override
    public Optional<Path> localPath(String path) {
        return Optional.of(Path.of(path).toAbsolutePath());
    }

    @Override
    public String resolve(String parent, String child) {
        return Path.of(parent).resolve(child).toString();
    }

    @Override
    public String relativize(String root, String path) {
        return Path.of(root).relativize(Path.of(path)).toString().replace('\\', '/');
    }
}
