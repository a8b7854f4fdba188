package dev.cluda.data;

import dev.cluda.error.UserError;
import java.io.IOException;

/**
 * A dataset file that cannot be used: unreadable, truncated, of the wrong bit depth, with an
 * unknown label value or a size that does not match its partner. The message always names the
 * file; {@link #file()} gives it to policies that skip and report. A user error, not a retryable
 * I/O failure: reading the same file again gives the same bytes.
 */
public final class BadSampleException extends IOException implements UserError {

    private static final long serialVersionUID = 1L;

    private final String file;

    public BadSampleException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public BadSampleException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public String file() {
        return file;
    }
}
