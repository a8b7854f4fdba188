package dev.cluda.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A local folder seen as a remote store (no {@code localPath}, as for {@code s3a://}), recording the
 * paths it opened: code under test must read through the store.
 */
public final class RemoteLikeStore implements FileStore {

    private final LocalFileStore local = new LocalFileStore();
    private final List<String> opened = new ArrayList<>();

    /** Paths {@link #open} was called with, in order. */
    public List<String> opened() {
        return opened;
    }

    @Override
    public List<String> listFiles(String dir) throws IOException {
        return local.listFiles(dir);
    }

    @Override
    public boolean exists(String path) throws IOException {
        return local.exists(path);
    }

    @Override
    public boolean isDirectory(String path) throws IOException {
        return local.isDirectory(path);
    }

    @Override
    public boolean deleteRecursively(String path) throws IOException {
        return local.deleteRecursively(path);
    }

    @Override
    public InputStream open(String path) throws IOException {
        opened.add(path);
        return local.open(path);
    }

    @Override
    public OutputStream create(String path) throws IOException {
        return local.create(path);
    }

    @Override
    public void writeAtomically(String path, byte[] bytes) throws IOException {
        local.writeAtomically(path, bytes);
    }

    @Override
    public String resolve(String parent, String child) {
        return local.resolve(parent, child);
    }

    @Override
    public String relativize(String root, String path) {
        return local.relativize(root, path);
    }
}
