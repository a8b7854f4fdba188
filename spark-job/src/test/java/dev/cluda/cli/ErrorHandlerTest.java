package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.config.ConfigError;
import dev.cluda.data.BadSampleException;
import dev.cluda.error.InvalidFileException;
import dev.cluda.error.UserInputException;
import dev.cluda.io.Redaction;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ErrorHandlerTest {

    private static final String SECRET = "sEcReT-value-42";

    private static String handle(Exception e, int expectedCode) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Cluda());
        cli.setErr(new PrintWriter(err, true));
        int code = new ErrorHandler(Redaction.of(List.of(SECRET))).handleExecutionException(e, cli, null);
        assertEquals(expectedCode, code);
        return err.toString();
    }

    @Test
    void userError_messageRedacted() {
        String err = handle(new InvalidFileException("cannot read s3a://b/x (fs.s3a.access.key=AKID, key " + SECRET + ")"),
                ErrorHandler.USER_ERROR);
        assertEquals("cluda cluda: error: cannot read s3a://b/x (fs.s3a.access.key=<redacted>, key <redacted>)",
                err.strip());
    }

    @Test
    void internalError_stackTraceRedacted() {
        String err = handle(new NullPointerException("boom " + SECRET), 1);
        assertTrue(err.contains("internal error"), err);
        assertTrue(err.contains("java.lang.NullPointerException: boom <redacted>"), err);
        assertFalse(err.contains(SECRET), err);
    }

    static Stream<Arguments> failures() {
        String s = " (key " + SECRET + ")";
        return Stream.of(
                Arguments.of(new ConfigError("configuration key 'train.lr' must be positive" + s), ErrorHandler.USER_ERROR),
                Arguments.of(new BadSampleException("a.png", "truncated PNG" + s), ErrorHandler.USER_ERROR),
                Arguments.of(new UncheckedIOException(new InvalidFileException("x.json: not valid JSON" + s)),
                        ErrorHandler.USER_ERROR),
                Arguments.of(new SparkException("Job aborted due to stage failure" + s,
                        new UserInputException("unknown weights 'x'" + s)), ErrorHandler.USER_ERROR),
                Arguments.of(new ExecutionException(new CompletionException(new UserInputException("bad --out" + s))),
                        ErrorHandler.USER_ERROR),
                Arguments.of(new FileNotFoundException("checkpoint s3a://b/run does not exist" + s), ErrorHandler.USER_ERROR),
                Arguments.of(new IOException("connection reset" + s), ErrorHandler.RETRYABLE_IO),
                Arguments.of(new SocketTimeoutException("s3a://b/x: read timed out" + s), ErrorHandler.RETRYABLE_IO),
                Arguments.of(new SparkException("Job aborted: executor lost" + s,
                        new UncheckedIOException(new IOException("connection refused" + s))), ErrorHandler.RETRYABLE_IO),
                Arguments.of(new IllegalStateException("rank 1: collective is closed" + s), ErrorHandler.INTERNAL),
                Arguments.of(new IllegalArgumentException("logits must be (B, K, H, W)" + s), ErrorHandler.INTERNAL),
                Arguments.of(new NullPointerException("boom" + s), ErrorHandler.INTERNAL));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void handle_failure_exitCodeOutputAndRedaction(Exception e, int code) {
        String err = handle(e, code);
        List<String> lines = err.lines().toList();
        String first = lines.get(0);
        assertFalse(err.contains(SECRET), err);
        switch (code) {
            case ErrorHandler.USER_ERROR -> {
                assertEquals(1, lines.size(), "a user error is one line, no stack trace: " + err);
                assertTrue(first.startsWith("cluda cluda: error: ") && first.endsWith("(key <redacted>)"), err);
                assertFalse(first.contains("Job aborted"), "the user's own message, not Spark's wrapper: " + err);
            }
            case ErrorHandler.RETRYABLE_IO -> {
                assertTrue(first.startsWith("cluda cluda: I/O error (retry may succeed): ")
                        && first.endsWith("(key <redacted>)"), err);
                assertTrue(err.contains("\tat "), "the stack trace follows: " + err);
            }
            default -> {
                assertEquals("cluda cluda: internal error", first, err);
                assertTrue(err.contains(e.getClass().getName() + ": ") && err.contains("\tat "), err);
                assertTrue(err.contains("(key <redacted>)"), err);
            }
        }
    }

    @Test
    void exitCodes_userErrorSharesPicocliUsageCode() {
        assertEquals(CommandLine.ExitCode.USAGE, ErrorHandler.USER_ERROR);
        assertEquals(3, ErrorHandler.RETRYABLE_IO);
        assertEquals(1, ErrorHandler.INTERNAL);
    }

    @Test
    void unknownOption_isAUsageErrorWithCodeTwo() {
        StringWriter err = new StringWriter();
        CommandLine cli = Cluda.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(ErrorHandler.USER_ERROR, cli.execute("synth", "--no-such-option"));
        assertTrue(err.toString().contains("--no-such-option"), err.toString());
    }
}
