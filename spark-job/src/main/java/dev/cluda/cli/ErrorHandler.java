package dev.cluda.cli;

import dev.cluda.error.Causes;
import dev.cluda.error.UserError;
import dev.cluda.io.Redaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Maps a failed command to the exit codes a scheduler acts on. A {@link UserError} or a missing
 * file ({@link Causes#isUserError}) anywhere in the cause chain (through {@code UncheckedIOException},
 * a Spark job's {@code SparkException}, {@code ExecutionException} or {@code CompletionException}) is
 * one line on stderr and {@link #USER_ERROR}; any other {@link IOException} in the chain is {@link #RETRYABLE_IO} with
 * its stack trace; anything else is a bug: {@link #INTERNAL} with the full stack trace. Every line
 * goes through a {@link Redaction}, so S3 keys never reach the terminal.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    /** A bug: do not retry, report it with the stack trace. */
    static final int INTERNAL = 1;

    /** The user's key, value or file is wrong: fix what the message names and rerun; picocli's usage errors share it. */
    static final int USER_ERROR = 2;

    /** An I/O failure (network, S3, a lost executor) that a scheduler may retry. */
    static final int RETRYABLE_IO = 3;

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
        PrintWriter err = commandLine.getErr();
        String prefix = "cluda " + commandLine.getCommandName() + ": ";
        Throwable user = Causes.first(ex, Causes::isUserError);
        if (user != null) {
            err.println(prefix + "error: " + redaction.redact(message(user)));
            err.flush();
            return USER_ERROR;
        }
        Throwable io = Causes.first(ex, t -> t instanceof IOException);
        if (io != null) {
            err.println(prefix + "I/O error (retry may succeed): " + redaction.redact(message(io)));
            printStackTrace(ex, err);
            return RETRYABLE_IO;
        }
        err.println(prefix + "internal error");
        printStackTrace(ex, err);
        return INTERNAL;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null || t.getMessage().isBlank() ? t.toString() : t.getMessage();
    }

    private void printStackTrace(Throwable t, PrintWriter err) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        err.print(redaction.redact(trace.toString()));
        err.flush();
    }
}
