package dev.cluda.io;

import dev.cluda.error.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** {@link FileStore} over the local file system. */
public final class LocalFileStore implements FileStore {

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

    @Override
    public void writeAtomically(String path, byte[] bytes) throws IOException {
        Path target = Path.of(path).toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
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
