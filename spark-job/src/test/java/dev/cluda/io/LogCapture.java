package dev.cluda.io;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything logged through log4j (Spark's and Hadoop's backend, slf4j included) and everything
 * printed to {@code System.out}/{@code System.err} while it is open, as text. Named loggers are
 * captured at the given level (a new one is not passed on to the console; one configured in
 * {@code log4j2-test.properties} keeps its appenders and gets its level back on close); the rest
 * at the root's level.
 */
public final class LogCapture implements AutoCloseable {

    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Memory appender = new Memory();
    private final List<String> added = new ArrayList<>();
    private final Map<LoggerConfig, Level> changed = new HashMap<>();
    private final PrintStream oldOut = System.out;
    private final PrintStream oldErr = System.err;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    public LogCapture(Map<String, Level> levels) {
        appender.start();
        Configuration config = context.getConfiguration();
        config.getRootLogger().addAppender(appender, null, null);
        for (Map.Entry<String, Level> e : levels.entrySet()) {
            LoggerConfig existing = config.getLoggers().get(e.getKey());
            if (existing != null) {
                // A logger of log4j2-test.properties: capture it at the level asked, restore it on close.
                changed.put(existing, existing.getLevel());
                existing.setLevel(e.getValue());
                existing.addAppender(appender, null, null);
            } else {
                LoggerConfig logger = new LoggerConfig(e.getKey(), e.getValue(), false);
                logger.addAppender(appender, null, null);
                config.addLogger(e.getKey(), logger);
                added.add(e.getKey());
            }
        }
        context.updateLoggers();
        System.setOut(new PrintStream(new Tee(oldOut, printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(oldErr, printed), true, StandardCharsets.UTF_8));
    }

    /** Every captured log line (level, logger, message, thrown) and printed text so far. */
    public String text() {
        StringBuilder sb = new StringBuilder(appender.text());
        synchronized (printed) {
            sb.append(printed.toString(StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    public int events() {
        return appender.count();
    }

    @Override
    public void close() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        Configuration config = context.getConfiguration();
        for (String name : added) {
            config.removeLogger(name);
        }
        changed.forEach((logger, level) -> {
            logger.removeAppender(appender.getName());
            logger.setLevel(level);
        });
        config.getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }

    private static final class Memory extends AbstractAppender {
        private final StringBuilder text = new StringBuilder();
        private int count;

        Memory() {
            super("cluda-log-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public synchronized void append(LogEvent event) {
            count++;
            text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ")
                    .append(event.getMessage().getFormattedMessage()).append('\n');
            for (Throwable t = event.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                text.append("  ").append(t).append('\n');
            }
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized int count() {
            return count;
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final ByteArrayOutputStream second;

        Tee(OutputStream first, ByteArrayOutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (second) {
                second.write(b, off, len);
            }
            try {
                first.write(b, off, len);
            } catch (java.io.IOException e) {
                // the console is best effort; the capture is what the test reads
            }
        }
    }
}
