package com.accountauth.extension.testsupport;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Collects what account-auth logs while open. The extension logs through the broker's slf4j (it is not shaded), so
 * its lines reach this JVM's logback; the appender sits on the extension's logger, which HiveMQ's logging set-up
 * leaves alone (it moves only the root logger's appenders).
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    // ListAppender adds without the list's lock, so a read while the broker logs could fail; this one takes it
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
        @Override
        protected void append(final ILoggingEvent event) {
            synchronized (list) {
                list.add(event);
            }
        }
    };

    public LogCapture() {
        this("com.accountauth.extension");
    }

    /** What one logger logs, e.g. the audit trail's {@code account-auth.audit}. */
    public LogCapture(final String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /** Every line so far, formatted, in order. */
    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    /**
     * The lines once there are at least {@code count} of them, or as they are after {@code timeoutMillis}: for a line
     * another thread writes just after the answer the test waited for (the caller asserts what it gets).
     */
    public List<String> awaitLines(final int count, final long timeoutMillis) throws InterruptedException {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<String> now = lines();
        while (now.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
            now = lines();
        }
        return now;
    }

    /** True when some line so far contains {@code text}. */
    public boolean contains(final String text) {
        return lines().stream().anyMatch(line -> line.contains(text));
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
