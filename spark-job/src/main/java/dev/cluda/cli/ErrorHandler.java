package dev.cluda.cli;

import dev.cluda.config.ConfigError;
import dev.cluda.io.Redaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the errors a user can fix (bad configuration, bad input file, an output directory in the
 * way) into one line on stderr and exit code 2; anything else is a bug and keeps its stack trace.
 * Both go through a {@link Redaction}, so S3 keys never reach the terminal.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    static final int USER_ERROR = 2;

    private final Redaction redaction;

    /** Masks the keys of this process's environment ({@link Redaction#forEnvironment()}). */
    ErrorHandler() {
        this(Redaction.forEnvironment());
    }

    ErrorHandler(Redaction redaction) {
        this.redaction = redaction;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        Throwable cause = ex;
        if (cause instanceof UncheckedIOException u && u.getCause() != null) {
            cause = u.getCause();
        }
        if (cause instanceof ConfigError || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException || cause instanceof IOException) {
            commandLine.getErr().println("cluda " + commandLine.getCommandName() + ": error: "
                    + redaction.redact(cause.getMessage()));
            return USER_ERROR;
        }
        commandLine.getErr().println("cluda " + commandLine.getCommandName() + ": internal error");
        StringWriter trace = new StringWriter();
        ex.printStackTrace(new PrintWriter(trace));
        commandLine.getErr().print(redaction.redact(trace.toString()));
        commandLine.getErr().flush();
        return 1;
    }
}
