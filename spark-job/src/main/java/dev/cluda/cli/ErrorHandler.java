package dev.cluda.cli;

import dev.cluda.config.ConfigError;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the errors a user can fix (bad configuration, bad input file, an output directory in the
 * way) into one line on stderr and exit code 2; anything else is a bug and keeps its stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    static final int USER_ERROR = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        Throwable cause = ex;
        if (cause instanceof UncheckedIOException u && u.getCause() != null) {
            cause = u.getCause();
        }
        if (cause instanceof ConfigError || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException || cause instanceof IOException) {
            commandLine.getErr().println("cluda " + commandLine.getCommandName() + ": error: " + cause.getMessage());
            return USER_ERROR;
        }
        commandLine.getErr().println("cluda " + commandLine.getCommandName() + ": internal error");
        ex.printStackTrace(commandLine.getErr());
        return 1;
    }
}
