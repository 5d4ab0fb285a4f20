package com.accountauth.extension.testsupport;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The extension's log lines in this JVM ("LEVEL message"), as the embedded broker logs them: the extension's
 * classloader hands slf4j to the broker's logback. Attach after the broker started (HiveMQ sets logback up at start).
 */
public final class LogLines implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(final ILoggingEvent event) {
            lines.add(event.getLevel() + " " + event.getFormattedMessage());
        }
    };

    private LogLines(final String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /** Records what the extension's loggers ({@code com.accountauth}) log from now on. */
    public static LogLines ofExtension() {
        return new LogLines("com.accountauth");
    }

    /** Records what the audit logger ({@code account-auth.audit}) logs from now on: every CONNECT decision. */
    public static LogLines ofAudit() {
        return new LogLines("account-auth.audit");
    }

    /** The lines so far that start with {@code level} and contain {@code text}. */
    public List<String> matching(final String level, final String text) {
        return lines.stream().filter(line -> line.startsWith(level + " ") && line.contains(text)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
