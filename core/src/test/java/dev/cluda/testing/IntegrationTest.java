package dev.cluda.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class of the integration tier: it starts a Spark session, a child JVM or TCP
 * sockets, or trains end to end. {@code mvn verify -Dtier=unit} leaves these out; plain
 * {@code mvn verify} runs them. The tag string lives here only, so the POM and the tests agree.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {

    /** The JUnit tag, as the parent POM's unit-tier profile excludes it. */
    String TAG = "integration";
}
