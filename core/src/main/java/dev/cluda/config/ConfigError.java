package dev.cluda.config;

import dev.cluda.error.UserError;

/**
 * A configuration mistake: an unknown key, a value of the wrong type or out of range. The
 * message names the key and the file (and line) it came from, and what was expected.
 */
public final class ConfigError extends IllegalArgumentException implements UserError {

    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
        super(message);
    }

    public ConfigError(String message, Throwable cause) {
        super(message, cause);
    }
}
