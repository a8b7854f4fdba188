package dev.cluda.testing;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh {@link NDManager}, as a parameter of the test method or of its
 * {@code @BeforeEach} method (the same manager for both), and closes it after the test, with every
 * array still attached to it.
 */
public final class NDManagerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NDManagerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == NDManager.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE)
                .getOrComputeIfAbsent("manager", key -> new Closing(NDManager.newBaseManager()), Closing.class)
                .manager();
    }

    /** Closed by JUnit when the test's context ends. */
    private record Closing(NDManager manager) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }
}
