package com.accountauth.extension.cli;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.io.PrintStream;

/**
 * The CLI's logging: warnings and errors of the extension's classes (a dropped permission, a failing statement) on
 * standard error, one line each, nothing below WARN. Named by the {@code slf4j.provider} system property in
 * {@link AdminCli#main} rather than by a service file, so that no other class path (the broker's, the tests') ever
 * picks it up.
 */
public final class StderrLogProvider implements SLF4JServiceProvider {

    static volatile PrintStream target = System.err;

    private final ILoggerFactory loggers = StderrLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    private static final class StderrLogger extends LegacyAbstractLogger {

        StderrLogger(final String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(final Level level, final Marker marker, final String pattern,
                                                   final Object[] arguments, final Throwable throwable) {
            if (level != Level.WARN && level != Level.ERROR) {
                return;
            }
            final String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            target.println(level + ": " + message + (throwable == null ? "" : " (" + throwable + ")"));
        }
    }
}
