package dev.cluda.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A file of any {@link FileStore} as a local path, for readers that need random access (weight
 * files): the file itself when it is local, else a temporary copy deleted on {@link #close()}.
 */
public final class LocalCopy implements AutoCloseable {

    private final Path path;
    private final boolean temporary;

    private LocalCopy(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** {@code file} of {@code store} as a local path; copies it when the store is remote. */
    public static LocalCopy of(FileStore store, String file) throws IOException {
        Optional<Path> local = store.localPath(file);
        if (local.isPresent()) {
            return new LocalCopy(local.get(), false);
        }
        String name = file.substring(file.lastIndexOf('/') + 1);
        Path copy = Files.createTempFile("cluda-", "-" + name);
        try (InputStream in = store.open(file)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return new LocalCopy(copy, true);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (temporary) {
            Files.deleteIfExists(path);
        }
    }
}
