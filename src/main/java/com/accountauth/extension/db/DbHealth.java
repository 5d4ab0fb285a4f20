package com.accountauth.extension.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether the account DB can be reached, as every statement finds out, and for how long it could not: while it cannot,
 * connected clients keep their rights and known clients reconnect from the cache, but only for the configured grace
 * ({@code <outage-grace-seconds>}), counted from the first attempt that failed. One log line when an outage begins,
 * one when it ends. Only a failure to reach the DB counts (no connection, a connection lost), not a statement the DB
 * refuses.
 */
public final class DbHealth {

    private static final Logger log = LoggerFactory.getLogger(DbHealth.class);

    private final long graceNanos;
    private final LongSupplier nanoClock;
    private final boolean logged;
    private volatile boolean unreachable;
    // guarded by this; valid while unreachable
    private long since;

    /**
     * @param graceSeconds {@code <outage-grace-seconds>}
     * @param nanoClock    {@link System#nanoTime} outside tests
     */
    public DbHealth(final long graceSeconds, final LongSupplier nanoClock) {
        this(graceSeconds, nanoClock, true);
    }

    private DbHealth(final long graceSeconds, final LongSupplier nanoClock, final boolean logged) {
        this.graceNanos = TimeUnit.SECONDS.toNanos(graceSeconds);
        this.nanoClock = nanoClock;
        this.logged = logged;
    }

    /** For a tool that runs a few statements and reports their errors itself (the admin CLI): logs nothing. */
    public static DbHealth unlogged() {
        return new DbHealth(0, System::nanoTime, false);
    }

    /** A statement could not reach the DB; {@code why} is logged when this begins an outage (no secrets in it). */
    public void unreachable(final String why) {
        synchronized (this) {
            if (unreachable) {
                return;
            }
            since = nanoClock.getAsLong();
            unreachable = true;
        }
        if (!logged) {
            return;
        }
        log.warn("account-auth: DB outage begins: {}; connected clients keep their rights, known clients are " +
                "admitted from the cache for {} s (<outage-grace-seconds>), then refused with 0x88 until the DB " +
                "answers", why, TimeUnit.NANOSECONDS.toSeconds(graceNanos));
    }

    /** A statement reached the DB. Costs a volatile read unless it ends an outage. */
    public void reached() {
        if (!unreachable) {
            return;
        }
        final long lasted;
        synchronized (this) {
            if (!unreachable) {
                return;
            }
            unreachable = false;
            lasted = nanoClock.getAsLong() - since;
        }
        if (!logged) {
            return;
        }
        log.warn("account-auth: DB outage ends: the account DB answers again after {} s{}",
                TimeUnit.NANOSECONDS.toSeconds(lasted), lasted > graceNanos ?
                        " (CONNECTs decided from the cache were refused with 0x88 past the grace)" : "");
    }

    /** Whether the last attempt to reach the DB failed. */
    public boolean unreachable() {
        return unreachable;
    }

    /** Whether the DB has been unreachable for longer than the grace: a decision from the cache alone is refused. */
    public boolean pastGrace() {
        if (!unreachable) {
            return false;
        }
        synchronized (this) {
            return unreachable && nanoClock.getAsLong() - since > graceNanos;
        }
    }

    /** Seconds since the outage began (0 when there is none), for log lines. */
    public long outageSeconds() {
        synchronized (this) {
            return unreachable ? TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - since) : 0;
        }
    }
}
