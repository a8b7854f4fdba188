package dev.cluda.io;

import dev.cluda.error.UserInputException;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Guards a command's output directory: an existing, non-empty directory is never written into
 * unless the user said so with {@code --resume} (keep and continue) or {@code --overwrite}
 * (delete and start again). A {@code --out} that is a regular file is refused under every policy.
 * The {@link RunDirectoryLock} file does not count as content and survives {@code --overwrite}, so
 * the lock can be taken before this check.
 */
public final class OutputDirectory {

    /** What to do when the output directory already holds files. */
    public enum IfExists {
        FAIL, RESUME, OVERWRITE
    }

    private OutputDirectory() {
    }

    /**
     * Checks {@code dir} against the policy and clears it for {@link IfExists#OVERWRITE}.
     *
     * @return true if the directory already held files and is being resumed
     * @throws UserInputException if it holds files and the policy is FAIL, or if it is a file
     */
    public static boolean prepare(FileStore store, String dir, IfExists policy) throws IOException {
        return prepare(store, dir, policy, true);
    }

    /**
     * As {@link #prepare(FileStore, String, IfExists)}, for commands that may not offer
     * {@code --resume} ({@code resumable} false): the error then suggests only {@code --overwrite}.
     */
    public static boolean prepare(FileStore store, String dir, IfExists policy, boolean resumable) throws IOException {
        if (!store.exists(dir)) {
            return false;
        }
        if (!store.isDirectory(dir)) {
            // Never delete or resume into a file the user named by mistake.
            throw new UserInputException("--out " + dir + " is a file, not a directory; choose a directory");
        }
        List<String> files = store.listFiles(dir).stream().filter(f -> !isLockFile(store, dir, f)).toList();
        if (files.isEmpty()) {
            return false;
        }
        switch (policy) {
            case FAIL -> throw new UserInputException("output directory " + dir
                    + " already exists and is not empty; pass "
                    + (resumable ? "--resume to continue the run in it, " : "")
                    + "--overwrite to delete it and start again, or choose another --out");
            case OVERWRITE -> {
                deleteContent(store, dir, files);
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * Refuses a path that names a regular file, before anything creates or locks it there.
     *
     * @throws UserInputException naming the path
     */
    public static void requireDirectoryOrAbsent(FileStore store, String dir) throws IOException {
        if (store.exists(dir) && !store.isDirectory(dir)) {
            throw new UserInputException("--out " + dir + " is a file, not a directory; choose a directory");
        }
    }

    /** Deletes everything in {@code dir} but the run-directory lock file (a start that failed). */
    public static void clearKeepingLock(FileStore store, String dir) throws IOException {
        if (!store.exists(dir)) {
            return;
        }
        List<String> files = store.listFiles(dir).stream().filter(f -> !isLockFile(store, dir, f)).toList();
        if (!files.isEmpty()) {
            deleteContent(store, dir, files);
        }
    }

    private static boolean isLockFile(FileStore store, String dir, String file) {
        return store.relativize(dir, file).equals(RunDirectoryLock.LOCK_FILE);
    }

    /** Deletes the directory, or, while it holds the lock file, everything in it but that file. */
    private static void deleteContent(FileStore store, String dir, List<String> files) throws IOException {
        if (!store.exists(store.resolve(dir, RunDirectoryLock.LOCK_FILE))) {
            store.deleteRecursively(dir);
            return;
        }
        Set<String> topLevel = new TreeSet<>();
        for (String file : files) {
            String relative = store.relativize(dir, file);
            int slash = relative.indexOf('/');
            topLevel.add(slash < 0 ? relative : relative.substring(0, slash));
        }
        for (String child : topLevel) {
            store.deleteRecursively(store.resolve(dir, child));
        }
    }
}
