package com.accountauth.extension.config;

/**
 * {@code <live-changes>}: how DB changes reach connected clients.
 *
 * @param enabled            {@code <enabled>}: poll the change feed. Default true
 * @param pollIntervalMillis {@code <poll-interval-millis>}: how often; a change takes effect within about this long.
 *                           Default 2000, min 100
 */
public record LiveChangeSettings(boolean enabled, long pollIntervalMillis) {

    public static final long DEFAULT_POLL_INTERVAL_MILLIS = 2000;
}
