package dev.cluda.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The file system a reader or writer works on. {@code core} ships {@link LocalFileStore};
 * {@code spark-job} adapts any Hadoop FileSystem ({@code file:}, {@code hdfs:}, {@code s3a:}),
 * so dataset readers never know where their bytes come from.
 *
 * <p>Paths are strings in the store's own syntax (a local path or a URI); {@link #resolve}
 * joins them.
 */
public interface FileStore {

    /** Every regular file below {@code dir}, recursively, as full paths, sorted. */
    List<String> listFiles(String dir) throws IOException;

    boolean exists(String path) throws IOException;

    boolean isDirectory(String path) throws IOException;

    /** Deletes a file or a directory tree; true if anything was deleted. */
    boolean deleteRecursively(String path) throws IOException;

    InputStream open(String path) throws IOException;

    /** Creates or replaces {@code path}, creating parent directories as needed. */
    OutputStream create(String path) throws IOException;

    /**
     * Writes {@code bytes} so that a reader, and a process killed at any moment, sees either the
     * old file or the complete new one, never none: a temporary name, then a rename that replaces
     * the target in one step (or, on object stores, one upload under the final name).
     *
     * @throws IOException naming {@code path} if the write fails; no temporary file is left
     */
    void writeAtomically(String path, byte[] bytes) throws IOException;

    /**
     * The local file behind {@code path}, if this store keeps it on a local disk (where OS file
     * locks work); empty for remote stores. Empty by default.
     */
    default Optional<Path> localPath(String path) {
        return Optional.empty();
    }

    /** True if a {@link RunDirectoryLock} on {@code path} is a real OS lock rather than an advisory marker. */
    default boolean supportsLocking(String path) {
        return localPath(path).isPresent();
    }

    /** {@code child} below {@code parent}. */
    String resolve(String parent, String child);

    /** The path of {@code path} relative to {@code root}, with '/' separators. */
    String relativize(String root, String path);
}
