package dev.cluda.error;

import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The cause chain of a failure, searched for what the user can act on: a job on Spark executors
 * throws the project's error wrapped in a {@code SparkException}, a stream wraps it in an
 * {@code UncheckedIOException}, a future in an {@code ExecutionException}.
 */
public final class Causes {

    private Causes() {
    }

    /**
     * The first {@link #isUserError user error} in the cause chain of {@code top} (itself included),
     * if there is one.
     */
    public static Optional<Throwable> userError(Throwable top) {
        return Optional.ofNullable(first(top, Causes::isUserError));
    }

    /**
     * Our own user errors, and a file that does not exist: a path the user named (a checkpoint,
     * a prediction, a config file) is the usual cause, and rerunning cannot make it appear.
     */
    public static boolean isUserError(Throwable t) {
        return t instanceof UserError || t instanceof FileNotFoundException || t instanceof NoSuchFileException;
    }

    /** The first throwable in the cause chain of {@code top} (itself included) that matches, or null. */
    public static Throwable first(Throwable top, Predicate<Throwable> matches) {
        // A cause chain can loop; stop at the first throwable seen twice.
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = top; t != null && seen.add(t); t = t.getCause()) {
            if (matches.test(t)) {
                return t;
            }
        }
        return null;
    }
}
