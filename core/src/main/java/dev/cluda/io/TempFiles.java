package dev.cluda.io;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The hidden temporary files that atomic writes leave next to their target when the process is
 * killed before the rename: {@code .<name>.<digits>.tmp} (and {@code .<name><digits>.tmp}, the
 * name earlier versions used). {@link #removeStaleTempFiles} deletes them from a run directory.
 */
public final class TempFiles {

    /** Hidden, then the target name, then digits (with or without a dot before them), then {@code .tmp}. */
    private static final Pattern TEMP_NAME = Pattern.compile("\\.[^/\\\\]+?\\.?[0-9]+\\.tmp");

    private TempFiles() {
    }

    /** A fresh temporary file name for {@code targetName}, in the same directory as the target. */
    static String tempName(String targetName) {
        return "." + targetName + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp";
    }

    /** True if {@code fileName} (a name, not a path) is one that {@link #tempName} could have made. */
    static boolean isTempName(String fileName) {
        return TEMP_NAME.matcher(fileName).matches();
    }

    /**
     * Deletes every temporary file of an interrupted atomic write below {@code dir}, recursively,
     * and nothing else. Call it only while holding the {@link RunDirectoryLock}: a temporary file
     * of a write in progress in another process would be deleted too.
     *
     * @return how many files were deleted; 0 if {@code dir} does not exist
     */
    public static int removeStaleTempFiles(FileStore store, String dir) throws IOException {
        if (!store.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        for (String file : store.listFiles(dir)) {
            if (isTempName(fileName(file)) && store.deleteRecursively(file)) {
                removed++;
            }
        }
        return removed;
    }

    /** The last segment of a local path or URI. */
    static String fileName(String path) {
        int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(cut + 1);
    }
}
