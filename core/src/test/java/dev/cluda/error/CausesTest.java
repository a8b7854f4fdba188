package dev.cluda.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CausesTest {

    @Test
    void userError_foundBelowWrappers() {
        UserInputException user = new UserInputException("train.iters must be > 0");
        Exception top = new RuntimeException("Job aborted", new IllegalStateException("task failed", user));
        assertSame(user, Causes.userError(top).orElseThrow());
        FileNotFoundException missing = new FileNotFoundException("/data/x.png");
        assertSame(missing, Causes.userError(new UncheckedIOException(missing)).orElseThrow());
    }

    @Test
    void userError_noneInAnIoFailure() {
        assertEquals(Optional.empty(), Causes.userError(new RuntimeException(new IOException("connection reset"))));
    }

    @Test
    void first_stopsOnALoopingChain() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalArgumentException b = new IllegalArgumentException("b", a);
        a.initCause(b);
        assertNull(Causes.first(a, t -> t instanceof IOException));
        assertSame(b, Causes.first(a, t -> t instanceof IllegalArgumentException));
        assertTrue(Causes.isUserError(new InvalidFileException("bad")));
    }
}
