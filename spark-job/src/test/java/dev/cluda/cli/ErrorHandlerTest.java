package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.io.Redaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
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
        String err = handle(new IOException("cannot read s3a://b/x (fs.s3a.access.key=AKID, key " + SECRET + ")"),
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
}
