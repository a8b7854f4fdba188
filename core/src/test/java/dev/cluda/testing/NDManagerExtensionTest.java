package dev.cluda.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NDManagerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NDManagerExtensionTest {

    /** The first test's manager, looked at again by the second test. */
    private static NDManager first;

    private NDManager fromBeforeEach;

    @BeforeEach
    void open(NDManager manager) {
        fromBeforeEach = manager;
    }

    @Test
    @Order(1)
    void beforeEachAndTestGetTheSameOpenManager(NDManager manager) {
        assertSame(fromBeforeEach, manager);
        assertTrue(manager.isOpen());
        first = manager;
    }

    @Test
    @Order(2)
    void theManagerIsClosedAfterItsTest(NDManager manager) {
        assertNotSame(first, manager, "each test gets a fresh manager");
        assertFalse(first.isOpen(), "the first test's manager must be closed once that test ended");
    }
}
