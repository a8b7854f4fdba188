package dev.cluda.error;

/**
 * Marks an exception as a mistake the user can fix: a bad key or value, a missing or malformed
 * input file, an output directory in the way, a checkpoint that does not exist or does not match.
 * The message names the key or file and says how to fix it; the command line prints it as one
 * line and exits with code 2, without a stack trace, and a scheduler must not retry.
 */
public interface UserError {
}
