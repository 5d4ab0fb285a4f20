package com.accountauth.extension.config;

/**
 * {@code <live-changes>}: how DB changes reach connected clients.
 *
 * @param enabled            {@code <enabled>}: poll the change feed. Default true
 * @param pollIntervalMillis {@code <poll-interval-millis>}: how often; a change takes effect within about this long.
 *                           Default 2000, min 100
 * @param gapTimeoutSeconds  {@code <gap-timeout-seconds>}: how long a seq of the feed that is taken but not visible
 *                           yet (its transaction still open) is waited for; a rolled-back transaction leaves one for
 *                           ever, and a change committed later than this is missed. Default 120, min 1, at least
 *                           twice the poll interval
 * @param errorAfterSeconds  {@code <error-after-seconds>}: an ERROR is logged once no poll succeeded for this long,
 *                           and everything counts as changed when the feed works again. Default 30, min 1
 */
public record LiveChangeSettings(boolean enabled, long pollIntervalMillis, int gapTimeoutSeconds,
                                 int errorAfterSeconds) {

    public static final long DEFAULT_POLL_INTERVAL_MILLIS = ConfigElements.POLL_INTERVAL_MILLIS.defaultValue();
    public static final int DEFAULT_GAP_TIMEOUT_SECONDS = ConfigElements.GAP_TIMEOUT_SECONDS.defaultValue();
    public static final int DEFAULT_ERROR_AFTER_SECONDS = ConfigElements.ERROR_AFTER_SECONDS.defaultValue();
}
