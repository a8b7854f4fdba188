package dev.cluda.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * {@link FileStore} over any Hadoop FileSystem: {@code file:}, {@code hdfs:}, {@code s3a:}.
 * A path without a scheme is a local path. Not serializable: build one per executor from the
 * Hadoop configuration Spark broadcasts.
 *
 * <p>Atomic writes use a temporary name and a rename; on object stores where rename is a
 * copy (S3), the copy becomes visible only once complete, so a reader never sees a torn file.
 */
public final class HadoopFileStore implements FileStore {

    private final Configuration conf;

    public HadoopFileStore(Configuration conf) {
        this.conf = conf;
    }

    /** A store on the default (local) Hadoop configuration. */
    public static HadoopFileStore local() {
        return new HadoopFileStore(new Configuration());
    }

    private FileSystem fs(Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        // Local files without Hadoop's .crc side files: datasets and run folders stay clean.
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    private static Path path(String p) {
        URI uri = URI.create(p.replace(" ", "%20"));
        return uri.getScheme() == null ? new Path(new java.io.File(p).getAbsoluteFile().toURI()) : new Path(p);
    }

    @Override
    public List<String> listFiles(String dir) throws IOException {
        Path root = path(dir);
        FileSystem fs = fs(root);
        if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
            throw new IOException("not a directory: " + dir);
        }
        List<String> out = new ArrayList<>();
        if (fs instanceof RawLocalFileSystem) {
            // listFiles builds a LocatedFileStatus per file, which on the local file system without
            // Hadoop's native library forks "ls -ld" for its permissions (~5 ms a file); listStatus does not.
            walkLocal(fs, root, out);
        } else {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus status = it.next();
                if (status.isFile()) {
                    out.add(status.getPath().toString());
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static void walkLocal(FileSystem fs, Path dir, List<String> out) throws IOException {
        for (FileStatus status : fs.listStatus(dir)) {
            if (status.isDirectory()) {
                walkLocal(fs, status.getPath(), out);
            } else if (status.isFile()) {
                out.add(status.getPath().toString());
            }
        }
    }

    @Override
    public boolean exists(String p) throws IOException {
        Path path = path(p);
        return fs(path).exists(path);
    }

    @Override
    public InputStream open(String p) throws IOException {
        Path path = path(p);
        return fs(path).open(path);
    }

    @Override
    public OutputStream create(String p) throws IOException {
        Path path = path(p);
        return fs(path).create(path, true);
    }

    @Override
    public void writeAtomically(String p, byte[] bytes) throws IOException {
        Path target = path(p);
        FileSystem fs = fs(target);
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + System.nanoTime() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, false)) {
            out.write(bytes);
        }
        if (fs.exists(target) && !fs.delete(target, false)) {
            fs.delete(tmp, false);
            throw new IOException("cannot replace " + p + ": deleting the old file failed");
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("cannot write " + p + ": renaming the temporary file failed");
        }
    }

    @Override
    public String resolve(String parent, String child) {
        if (URI.create(parent.replace(" ", "%20")).getScheme() == null) {
            return java.nio.file.Path.of(parent).resolve(child).toString();
        }
        return new Path(path(parent), child).toString();
    }

    @Override
    public String relativize(String root, String p) {
        String r = path(root).toUri().getPath();
        String full = path(p).toUri().getPath();
        String prefix = r.endsWith("/") ? r : r + "/";
        if (!full.startsWith(prefix)) {
            throw new IllegalArgumentException(p + " is not below " + root);
        }
        return full.substring(prefix.length());
    }

    @Override
    public boolean isDirectory(String p) throws IOException {
        Path path = path(p);
        FileSystem fs = fs(path);
        return fs.exists(path) && fs.getFileStatus(path).isDirectory();
    }

    @Override
    public boolean deleteRecursively(String p) throws IOException {
        Path path = path(p);
        return fs(path).delete(path, true);
    }

    /** Direct children of a directory (files and folders), sorted; empty if it does not exist. */
    public List<String> children(String dir) throws IOException {
        Path path = path(dir);
        FileSystem fs = fs(path);
        if (!fs.exists(path)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(path)) {
            out.add(s.getPath().toString());
        }
        out.sort(null);
        return out;
    }
}
