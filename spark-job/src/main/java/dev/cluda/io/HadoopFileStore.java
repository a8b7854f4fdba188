package dev.cluda.io;

import dev.cluda.error.InvalidFileException;
import dev.cluda.error.UserInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;

/**
 * {@link FileStore} over any Hadoop FileSystem: {@code file:}, {@code hdfs:}, {@code s3a:}.
 * A path without a scheme is a local path. Not serializable: build one per executor from the
 * Hadoop configuration Spark broadcasts.
 *
 * <p>Atomic writes use a temporary name and a rename that replaces the target in one step, except
 * on object stores ({@code s3a:}), where a rename is a copy and an object becomes visible only when
 * its upload completes: there the bytes are uploaded under the final name directly (a failed
 * upload is aborted), so a reader sees the old object or the complete new one, never a torn or
 * missing one (see {@link #writeAtomically}). S3 settings come from the
 * configuration ({@link S3Settings#applyTo}). Paths with credentials in them
 * ({@code s3a://KEY:SECRET@bucket/}) are refused, so keys never reach a path in a message.
 */
public final class HadoopFileStore implements FileStore {

    /** Schemes where a rename is a copy but a single upload appears atomically, so uploads go to the final name. */
    private static final Set<String> OBJECT_STORE_SCHEMES = Set.of("s3a", "s3", "gs", "oss");

    private final Configuration conf;

    /** Runs just before an atomic write replaces its target; tests throw from it to simulate a kill. */
    private final Runnable beforeReplace;
    /** Atomic writes to {@code file:} paths: java.nio's rename replaces in one step, Hadoop's local rename does not. */
    private final LocalFileStore local;
    /** One FileContext per file system: each new one opens its own client (a DFSClient on HDFS). */
    private final Map<URI, FileContext> fileContexts = new ConcurrentHashMap<>();

    public HadoopFileStore(Configuration conf) {
        this(conf, () -> { });
    }

    /** A store whose atomic writes run {@code beforeReplace} just before the target is replaced (tests only). */
    HadoopFileStore(Configuration conf, Runnable beforeReplace) {
        this.conf = conf;
        this.beforeReplace = Objects.requireNonNull(beforeReplace, "beforeReplace");
        this.local = new LocalFileStore(tmp -> beforeReplace.run());
    }

    /** A store on the default (local) Hadoop configuration. */
    public static HadoopFileStore local() {
        return new HadoopFileStore(new Configuration());
    }

    /**
     * A store on the default Hadoop configuration plus the S3 settings of this process
     * ({@link S3Settings#fromEnvironment()}), so {@code s3a://} paths reach the configured service.
     *
     * @throws IllegalArgumentException if the S3 variables are malformed or incomplete
     */
    public static HadoopFileStore fromEnvironment() {
        return new HadoopFileStore(S3Settings.fromEnvironment().applyTo(new Configuration()));
    }

    /**
     * The store of this application's driver: the Hadoop configuration of the running Spark
     * session, or, before one runs, the one Spark will give it (its own construction from
     * {@code spark.hadoop.*} settings, e.g. {@code spark-submit --conf spark.hadoop.fs.s3a.*}),
     * plus the S3 settings of the environment as {@code SparkSessions} applies them. Paths the
     * driver checks are then read with the credentials the executors use.
     *
     * @throws IllegalArgumentException if the S3 variables are malformed or incomplete
     */
    public static HadoopFileStore forDriver() {
        return runningSession().map(HadoopFileStore::forSession).orElseGet(() -> new HadoopFileStore(
                S3Settings.fromEnvironment().applyTo(SparkHadoopUtil.get().newConfiguration(new SparkConf()))));
    }

    /**
     * The driver's store of {@code spark}, a running session (a notebook's): a copy of its Hadoop
     * configuration plus the S3 settings of the environment, as {@link #forDriver()} builds it.
     *
     * @throws IllegalArgumentException if the S3 variables are malformed or incomplete
     */
    public static HadoopFileStore forSession(SparkSession spark) {
        Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
        return new HadoopFileStore(S3Settings.fromEnvironment().applyTo(conf));
    }

    /** The Hadoop configuration paths are opened with. */
    Configuration configuration() {
        return conf;
    }

    private static Optional<SparkSession> runningSession() {
        for (scala.Option<SparkSession> s : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
            if (s.isDefined() && !s.get().sparkContext().isStopped()) {
                return Optional.of(s.get());
            }
        }
        return Optional.empty();
    }

    private FileSystem fs(Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        // Local files without Hadoop's .crc side files: datasets and run folders stay clean.
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** The URI of a path string; a malformed one is reported with any credentials in it masked. */
    private static URI uri(String p) {
        try {
            return URI.create(p.replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("not a valid path or URI: " + Redaction.patternsOnly().redact(p));
        }
    }

    private static Path path(String p) {
        URI uri = uri(p);
        if (uri.getScheme() == null) {
            return new Path(new java.io.File(p).getAbsoluteFile().toURI());
        }
        if (uri.getRawUserInfo() != null) {
            throw new UserInputException(Redaction.patternsOnly().redact(p) + ": credentials in a path are "
                    + "not supported; set " + S3Settings.ENV_ACCESS_KEY + " and " + S3Settings.ENV_SECRET_KEY
                    + " instead");
        }
        return new Path(p);
    }

    @Override
    public List<String> listFiles(String dir) throws IOException {
        Path root = path(dir);
        FileSystem fs = fs(root);
        if (!isDirectory(dir)) {
            throw new InvalidFileException("not a directory: " + dir);
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

    /**
     * {@inheritDoc}
     *
     * <p>How the target is replaced in one step depends on the file system: {@code file:} paths
     * go through {@link LocalFileStore#writeAtomically} (fsynced temporary file, atomic rename,
     * free space in the error); object stores ({@code s3a:}, {@code gs:}) get one upload under the
     * final name, which becomes visible only when complete; other file systems ({@code hdfs:})
     * write a temporary file and rename it over the target with
     * {@link FileContext#rename(Path, Path, Options.Rename...)} and {@code OVERWRITE}, which HDFS
     * performs atomically (FileSystem.rename refuses an existing target, and deleting it first
     * would leave a moment without the file).
     */
    @Override
    public void writeAtomically(String p, byte[] bytes) throws IOException {
        Path target = path(p);
        FileSystem fs = fs(target);
        if (fs instanceof RawLocalFileSystem) {
            local.writeAtomically(localFile(target).toString(), bytes);
            return;
        }
        try {
            if (OBJECT_STORE_SCHEMES.contains(fs.getUri().getScheme().toLowerCase(Locale.ROOT))) {
                uploadObject(fs, target, bytes, beforeReplace);
            } else {
                renameOver(fs, fileContext(fs.getUri()), target, bytes, beforeReplace);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + p + " (" + bytes.length + " bytes): " + e.getMessage()
                    + "; check the space and permissions on that file system", e);
        }
    }

    private FileContext fileContext(URI fsUri) throws IOException {
        FileContext fc = fileContexts.get(fsUri);
        if (fc == null) {
            fc = FileContext.getFileContext(fsUri, conf);
            FileContext raced = fileContexts.putIfAbsent(fsUri, fc);
            fc = raced == null ? fc : raced;
        }
        return fc;
    }

    /**
     * Writes a temporary file next to {@code target} and renames it over the target in one step;
     * the temporary file is deleted if anything fails.
     */
    static void renameOver(FileSystem fs, FileContext fc, Path target, byte[] bytes, Runnable beforeRename)
            throws IOException {
        Path tmp = new Path(target.getParent(), TempFiles.tempName(target.getName()));
        boolean renamed = false;
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
                out.hsync();
            }
            beforeRename.run();
            fc.rename(tmp, target, Options.Rename.OVERWRITE);
            renamed = true;
        } finally {
            if (!renamed) {
                deleteQuietly(fs, tmp);
            }
        }
    }

    private static void deleteQuietly(FileSystem fs, Path tmp) {
        try {
            fs.delete(tmp, false);
        } catch (IOException e) {
            // The write's own failure matters more; TempFiles.removeStaleTempFiles removes leftovers.
        }
    }

    /** The local file of a {@code file:} path. */
    private static java.nio.file.Path localFile(Path path) {
        return new java.io.File(path.toUri().getPath()).toPath();
    }

    /** The local file behind a {@code file:} path or a path without a scheme; empty on remote file systems. */
    @Override
    public Optional<java.nio.file.Path> localPath(String p) {
        Path path = path(p);
        try {
            return fs(path) instanceof RawLocalFileSystem ? Optional.of(localFile(path)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** One S3 upload under the final name: visible only once complete, aborted on failure. */
    private static void uploadObject(FileSystem fs, Path target, byte[] bytes, Runnable beforeComplete)
            throws IOException {
        FSDataOutputStream out = fs.create(target, true);
        try {
            out.write(bytes);
            beforeComplete.run();
        } catch (IOException | RuntimeException e) {
            if (out.hasCapability(StreamCapabilities.ABORTABLE_STREAM)) {
                out.abort();
            }
            throw e;
        }
        out.close();
    }

    @Override
    public String resolve(String parent, String child) {
        if (uri(parent).getScheme() == null) {
            return java.nio.file.Path.of(parent).resolve(child).toString();
        }
        return new Path(path(parent), child).toString();
    }

    @Override
    public String relativize(String root, String p) {
        URI rootUri = path(root).toUri();
        URI pathUri = path(p).toUri();
        if (!"file".equalsIgnoreCase(rootUri.getScheme())
                && (!rootUri.getScheme().equalsIgnoreCase(String.valueOf(pathUri.getScheme()))
                    || !Objects.equals(rootUri.getAuthority(), pathUri.getAuthority()))) {
            throw new IllegalArgumentException(p + " is not below " + root + " (another file system or bucket)");
        }
        String r = rootUri.getPath();
        String full = pathUri.getPath();
        String prefix = r.endsWith("/") ? r : r + "/";
        if (!full.startsWith(prefix)) {
            throw new IllegalArgumentException(p + " is not below " + root);
        }
        return full.substring(prefix.length());
    }

    @Override
    public boolean isDirectory(String p) throws IOException {
        Path path = path(p);
        try {
            return fs(path).getFileStatus(path).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        }
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
