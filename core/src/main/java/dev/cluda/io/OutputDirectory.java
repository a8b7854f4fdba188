package dev.cluda.io;

import dev.cluda.error.UserInputException;
import java.io.IOException;

/**
 * Guards a command's output directory: an existing, non-empty directory is never written into
 * unless the user said so with {@code --resume} (keep and continue) or {@code --overwrite}
 * (delete and start again).
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
     * @throws UserInputException if it holds files and the policy is FAIL
     */
    public static boolean prepare(FileStore store, String dir, IfExists policy) throws IOException {
        return prepare(store, dir, policy, true);
    }

    /**
     * As {@link #prepare(FileStore, String, IfExists)}, for commands that may not offer
     * {@code --resume} ({@code resumable} false): the error then suggests only {@code --overwrite}.
     */
    public static boolean prepare(FileStore store, String dir, IfExists policy, boolean resumable) throws IOException {
        boolean populated = store.exists(dir) && (!store.isDirectory(dir) || !store.listFiles(dir).isEmpty());
        if (!populated) {
            return false;
        }
        switch (policy) {
            case FAIL -> throw new UserInputException("output directory " + dir
                    + " already exists and is not empty; pass "
                    + (resumable ? "--resume to continue the run in it, " : "")
                    + "--overwrite to delete it and start again, or choose another --out");
            case OVERWRITE -> {
                store.deleteRecursively(dir);
                return false;
            }
            default -> {
                return true;
            }
        }
    }
}
