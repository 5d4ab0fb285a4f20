package com.accountauth.extension.sync;

/**
 * Whether the change feed is keeping up, so that a feed that cannot read the DB is loud: a WARN at the first failed
 * poll and then once a minute, an ERROR once no poll succeeded for the configured time (connected clients keep their
 * rights unchanged meanwhile), and a resync when it comes back after that, as changes may have been missed for
 * good (e.g. rows deleted meanwhile). Pure logic: the feed passes the time in.
 */
final class FeedHealth {

    static final long WARN_EVERY_MILLIS = 60_000;

    /** What to log after a failed poll. */
    enum Alarm { NONE, WARN, ERROR }

    private final long errorAfterMillis;
    private long lastSuccess;
    private long lastWarning = Long.MIN_VALUE;
    private boolean failing;
    private boolean errorRaised;

    /** @param now when the feed starts: an unreachable DB from the start counts from here */
    FeedHealth(final long errorAfterMillis, final long now) {
        this.errorAfterMillis = errorAfterMillis;
        this.lastSuccess = now;
    }

    /** Whether the last poll failed. */
    boolean failing() {
        return failing;
    }

    /** A poll failed: what to log. */
    Alarm failed(final long now) {
        failing = true;
        if (!errorRaised && now - lastSuccess >= errorAfterMillis) {
            errorRaised = true;
            lastWarning = now;
            return Alarm.ERROR;
        }
        if (lastWarning == Long.MIN_VALUE || now - lastWarning >= WARN_EVERY_MILLIS) {
            lastWarning = now;
            return Alarm.WARN;
        }
        return Alarm.NONE;
    }

    /** Milliseconds since the last successful poll. */
    long sinceLastSuccess(final long now) {
        return now - lastSuccess;
    }

    /** Whether the ERROR was raised in the current outage: everything must count as changed when it ends. */
    boolean errorRaised() {
        return errorRaised;
    }

    /** A poll succeeded (with its resync, if {@link #errorRaised()}). */
    void succeeded(final long now) {
        failing = false;
        errorRaised = false;
        lastWarning = Long.MIN_VALUE;
        lastSuccess = now;
    }
}
