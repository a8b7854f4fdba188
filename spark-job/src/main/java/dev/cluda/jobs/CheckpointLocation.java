package dev.cluda.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.config.ConfigLoader;
import dev.cluda.config.Settings;
import dev.cluda.error.InvalidFileException;
import dev.cluda.error.UserInputException;
import dev.cluda.io.FileStore;
import dev.cluda.rundir.CheckpointStore;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A checkpoint named on the command line ({@code --checkpoint RUN_DIR_OR_CKPT}), resolved once on
 * the driver to one {@code iter_*.ckpt} file, so that every executor loads the same iteration.
 * A local path without a scheme is made absolute ({@link #absolute}).
 *
 * @param checkpoint the checkpoint file
 * @param runDir the run directory it belongs to (holding {@code config.conf}), or null for a
 *     checkpoint file outside a run directory's {@code checkpoints/}
 * @param iteration the checkpoint's {@code next_iteration}: the iterations trained
 */
public record CheckpointLocation(String checkpoint, String runDir, long iteration) {

    /** The resolved configuration a run directory holds. */
    public static final String RUN_CONFIG = "config.conf";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Resolves a run directory (its {@code checkpoints/latest}), a run's {@code checkpoints/}
     * directory or a checkpoint file, and reads the checkpoint's iteration.
     *
     * @throws FileNotFoundException naming {@code path} if it does not exist or holds no checkpoints
     * @throws IOException naming the file if it is not a cluda checkpoint
     */
    public static CheckpointLocation resolve(FileStore store, String path) throws IOException {
        path = absolute(path);
        if (!store.exists(path)) {
            throw new FileNotFoundException("checkpoint " + path + " does not exist; pass a run directory (with "
                    + CheckpointStore.DIR + "/" + CheckpointStore.LATEST + ") or an iter_*.ckpt file");
        }
        String file;
        String runDir;
        if (store.isDirectory(path)) {
            String checkpoints = store.resolve(path, CheckpointStore.DIR);
            if (store.exists(store.resolve(checkpoints, CheckpointStore.LATEST))) {
                runDir = path;
            } else if (store.exists(store.resolve(path, CheckpointStore.LATEST))) {
                checkpoints = path;
                runDir = parent(path);
            } else {
                throw new FileNotFoundException("checkpoint " + path + " is a directory without "
                        + CheckpointStore.DIR + "/" + CheckpointStore.LATEST
                        + ": not a run directory with checkpoints; pass a run directory or an iter_*.ckpt file");
            }
            String latest = store.resolve(checkpoints, CheckpointStore.LATEST);
            String name;
            try (InputStream in = store.open(latest)) {
                name = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            file = store.resolve(checkpoints, name);
            if (name.isEmpty() || !store.exists(file)) {
                throw new FileNotFoundException(latest + " names '" + name + "', which does not exist; "
                        + "the run directory is damaged: pass an iter_*.ckpt file instead");
            }
        } else {
            file = path;
            String dir = parent(path);
            runDir = dir != null && name(dir).equals(CheckpointStore.DIR) ? parent(dir) : null;
        }
        return new CheckpointLocation(file, runDir, readIteration(store, file));
    }

    /**
     * The configuration for this checkpoint: {@code config} with {@code overrides} if given,
     * otherwise the run directory's {@code config.conf} with {@code overrides}.
     *
     * @throws IllegalArgumentException if {@code config} is null and there is no run directory
     * @throws FileNotFoundException if {@code config} is null and the run directory has no config.conf
     */
    public Settings loadConfig(FileStore store, String config, List<String> overrides) throws IOException {
        if (config != null) {
            return ConfigLoader.load(store, config, overrides);
        }
        if (runDir == null) {
            throw new UserInputException("checkpoint " + checkpoint + " is not inside a run directory's "
                    + CheckpointStore.DIR + "/, so there is no " + RUN_CONFIG + " to build the model from; pass --config");
        }
        String conf = store.resolve(runDir, RUN_CONFIG);
        if (!store.exists(conf)) {
            throw new FileNotFoundException(conf + " not found: the run directory has no resolved configuration; "
                    + "pass --config");
        }
        File local = localFile(conf);
        if (local != null) {
            return ConfigLoader.load(local, overrides);
        }
        Path copy = Files.createTempFile("cluda-run-config", ".conf");
        try {
            try (InputStream in = store.open(conf)) {
                Files.write(copy, in.readAllBytes());
            }
            return ConfigLoader.load(copy.toFile(), overrides);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** {@code next_iteration} from the checkpoint's {@code state.json}, the zip's first entry. */
    private static long readIteration(FileStore store, String file) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(store.open(file))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.getName().equals("state.json")) {
                    JsonNode state = JSON.readTree(zip.readAllBytes());
                    JsonNode next = state.path("next_iteration");
                    if (!next.isIntegralNumber()) {
                        throw new InvalidFileException(file + ": state.json has no next_iteration; not a cluda checkpoint");
                    }
                    return next.asLong();
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new InvalidFileException(file + ": not a cluda checkpoint (" + e.getMessage() + ")", e);
        }
        throw new InvalidFileException(file + ": not a cluda checkpoint (no state.json inside)");
    }

    /**
     * {@code path} unchanged if it has a scheme ({@code file:}, {@code s3a:}, ...), else as an
     * absolute local path, so that what executors open and manifests record does not depend on a
     * working directory.
     */
    public static String absolute(String path) {
        if (new org.apache.hadoop.fs.Path(path).toUri().getScheme() != null) {
            return path;
        }
        return new File(path).getAbsolutePath();
    }

    private static String parent(String path) {
        org.apache.hadoop.fs.Path parent = new org.apache.hadoop.fs.Path(path).getParent();
        return parent == null ? null : parent.toString();
    }

    private static String name(String path) {
        return new org.apache.hadoop.fs.Path(path).getName();
    }

    /** The local file of a plain path or {@code file:} URI; null for other file systems. */
    private static File localFile(String path) {
        URI uri = new org.apache.hadoop.fs.Path(path).toUri();
        if (uri.getScheme() == null) {
            return new File(path);
        }
        return "file".equalsIgnoreCase(uri.getScheme()) ? new File(uri.getPath()) : null;
    }
}
