package dev.cluda.error;

import java.io.IOException;

/**
 * An input file the user named that is missing or not what it should be (malformed JSON, a
 * truncated weight file, a directory that is not a run); the message names the file and says
 * what was expected. Checked, so readers keep declaring {@link IOException}, but a user error:
 * rereading the same file cannot succeed, so it is not retried.
 */
public final class InvalidFileException extends IOException implements UserError {

    private static final long serialVersionUID = 1L;

    public InvalidFileException(String message) {
        super(message);
    }

    public InvalidFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
