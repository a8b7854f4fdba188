package dev.cluda.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

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
     * Writes {@code bytes} so that a reader sees either the old file or the complete new one:
     * a temporary name, then a rename.
     */
    void writeAtomically(String path, byte[] bytes) throws IOException;

    /** {@code child} below {@code parent}. */
    String resolve(String parent, String child);

    /** The path of {@code path} relative to {@code root}, with '/' separators. */
    String relativize(String root, String path);
}
