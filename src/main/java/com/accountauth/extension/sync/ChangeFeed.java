package com.accountauth.extension.sync;

import com.accountauth.extension.config.LiveChangeSettings;
import com.accountauth.extension.db.AccountChange;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.db.ChangeSource;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.metrics.Count;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Polls the account DB's change feed (filled by the schema's triggers) by sequence number: one small query per
 * interval when nothing changed, and only the principals a change touches are reloaded. Every broker node polls on
 * its own, so all of them apply a change within the interval.
 * <p>
 * Nothing is lost: a change that commits after a later one is still read ({@link FeedCursor} keeps the seqs not yet
 * visible), a feed that went backwards or jumped, or one that could not be read for a long time, is answered with a
 * resync (everything counts as changed). While polls fail, the pool is revived as soon as the DB accepts
 * connections again ({@link Reconnect}).
 */
public final class ChangeFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    /** Pages of rows read in one poll at most; the rest waits for the next poll. */
    private static final int MAX_PAGES = 100;

    /** Before a poll while the DB is failing: revives what waits for the DB and says whether to try it now. */
    @FunctionalInterface
    public interface Reconnect {
        /** @return false when the DB does not accept connections yet, so a poll would only wait for its timeout */
        boolean ready();
    }

    private final ChangeSource repository;
    // milliseconds, from System.nanoTime (tests pass their own)
    private final LongSupplier clock;
    private final ChangeApplier applier;
    private final long intervalMillis;
    private final Reconnect reconnect;
    private final FeedCursor cursor;
    private final FeedHealth health;
    private final ScheduledExecutorService scheduler;
    private final Count applied;
    private final Count resyncs;
    // when the last poll that read the feed to its end began (System.nanoTime in ms): every change committed before
    // then is applied
    private volatile long caughtUpAt;
    private boolean toldLacksBounds;
    // why a resync was asked for from outside (a reload of config.xml), until one succeeded
    private final AtomicReference<String> resyncAsked = new AtomicReference<>();

    /**
     * @param metrics gets {@code feed.changes.applied} (rows of the feed applied), {@code feed.resyncs}, and
     *                {@code feed.lag}: seconds since the last poll that read the feed to its end began (the rows carry
     *                no time the statement reads, so this is the bound on how old an unapplied change can be)
     */
    public ChangeFeed(final ChangeSource repository, final ChangeApplier applier,
                      final LiveChangeSettings settings, final Reconnect reconnect, final ExtensionMetrics metrics) {
        this(repository, applier, settings, reconnect, metrics,
                () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
    }

    ChangeFeed(final ChangeSource repository, final ChangeApplier applier, final LiveChangeSettings settings,
               final Reconnect reconnect, final ExtensionMetrics metrics, final LongSupplier clock) {
        this.clock = clock;
        this.caughtUpAt = clock.getAsLong();
        this.applied = metrics.counter("feed.changes.applied");
        this.resyncs = metrics.counter("feed.resyncs");
        metrics.gauge("feed.lag", () -> (now() - caughtUpAt) / 1000.0);
        this.repository = repository;
        this.applier = applier;
        this.intervalMillis = settings.pollIntervalMillis();
        this.reconnect = reconnect;
        this.cursor = new FeedCursor(TimeUnit.SECONDS.toMillis(settings.gapTimeoutSeconds()));
        this.health = new FeedHealth(TimeUnit.SECONDS.toMillis(settings.errorAfterSeconds()), now());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "account-auth-change-feed");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::pollOnce, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Asks for a resync on the feed's thread at its next poll (retried at each poll until one succeeds): there, it
     * never runs alongside the applying of a change.
     */
    public void requestResync(final String why) {
        resyncAsked.set(why);
    }

    /** One poll, as the schedule runs it (tests call it directly); never throws. */
    void pollOnce() {
        try {
            if (health.failing() && !reconnect.ready()) {
                throw new AccountStoreUnavailableException("the DB does not accept connections", null);
            }
            final String asked = resyncAsked.getAndSet(null);
            if (asked != null) {
                try {
                    resync(asked);
                } catch (final AccountStoreUnavailableException | RuntimeException e) {
                    resyncAsked.compareAndSet(null, asked);
                    throw e;
                }
            }
            poll();
            if (health.failing()) {
                log.info("account-auth: live changes resumed after {} ms without a successful poll",
                        health.sinceLastSuccess(now()));
            }
            health.succeeded(now());
        } catch (final AccountStoreUnavailableException | RuntimeException e) {
            switch (health.failed(now())) {
                case ERROR -> log.error("account-auth: no poll of the change feed succeeded for {} s: DB changes " +
                                "do not reach connected clients, which keep the rights they had; retrying every {} " +
                                "ms, and everything counts as changed once it works again: {}",
                        health.sinceLastSuccess(now()) / 1000, intervalMillis, e.getMessage());
                case WARN -> log.warn("account-auth: live changes paused, will retry every {} ms: {}",
                        intervalMillis, e.getMessage());
                case NONE -> { }
            }
        }
    }

    private void poll() throws AccountStoreUnavailableException {
        final long startedAt = now();
        if (!cursor.started()) {
            final long latest = repository.latestChange();
            if (health.failing()) {
                // clients checked against the DB before this first successful read may have missed changes since
                resync("the change feed could not be read at start");
            }
            cursor.restartAt(latest);
            caughtUpAt = startedAt;
            log.info("account-auth: following the change feed from seq {}", latest);
            return;
        }
        final boolean mayHaveMissed = health.errorRaised();
        final boolean resynced = readToEnd(startedAt);
        if (mayHaveMissed && !resynced) {
            // after the rows: the changes the feed does know reach their clients first, not behind a recompute of
            // every connected client (thousands of loads)
            resync("the change feed could not be read for " + health.sinceLastSuccess(now()) / 1000 + " s");
        }
    }

    /** Reads the feed to its end (at most {@link #MAX_PAGES} pages) and applies it; true when that was a resync. */
    private boolean readToEnd(final long startedAt) throws AccountStoreUnavailableException {
        logExpired(cursor.expireGaps(now()));
        long after = cursor.readFrom();
        boolean resynced = false;
        for (int page = 0; page < MAX_PAGES; page++) {
            final List<AccountChange> rows = repository.changesSince(after);
            FeedCursor.Verdict verdict = cursor.plan(after, rows, OptionalLong.empty());
            if (verdict instanceof FeedCursor.AskNewest) {
                verdict = cursor.plan(after, rows, OptionalLong.of(repository.latestChange()));
            }
            if (verdict instanceof FeedCursor.WentBack back) {
                resync("the change feed went backwards (" + back.why() + "; a TRUNCATE, a restore or a failover?)");
                cursor.restartAt(back.newest());
                caughtUpAt = startedAt;
                return true;
            }
            final FeedCursor.Taken taken = (FeedCursor.Taken) verdict;
            if (taken.jump().isPresent()) {
                resync("the change feed jumped (" + taken.jump().get() + ")");
                resynced = true;
            } else if (!taken.fresh().isEmpty()) {
                if (log.isDebugEnabled()) {
                    log.debug("account-auth: applying change-feed seqs {}",
                            taken.fresh().stream().map(AccountChange::seq).toList());
                }
                applier.apply(ChangeSet.of(taken.fresh()));
                applied.inc(taken.fresh().size());
            }
            cursor.commit(taken, now()); // only after they were applied: a failure hands them over again
            if (taken.untracked() > 0) {
                log.info("account-auth: not waiting for {} skipped change-feed seqs below {} (too many to track)",
                        taken.untracked(), cursor.highWater());
            }
            tellIfStatementLacksBounds();
            if (!taken.more()) {
                caughtUpAt = startedAt;
                return resynced;
            }
            after = taken.next();
        }
        return resynced;
    }

    /** Everything counts as changed: every cached principal and every connected client's grant. */
    private void resync(final String why) throws AccountStoreUnavailableException {
        applier.apply(ChangeSet.everything());
        resyncs.inc();
        log.warn("account-auth: resync, every cached principal and connected client counts as changed: {}", why);
    }

    private void logExpired(final List<Long> expired) {
        if (!expired.isEmpty()) {
            log.info("account-auth: gave up waiting for {} change-feed seq(s) from {} to {} (a rolled-back " +
                            "transaction leaves such a hole; one open longer than <gap-timeout-seconds> would " +
                            "have its change missed)", expired.size(), expired.get(0), expired.get(expired.size() - 1));
        }
    }

    private void tellIfStatementLacksBounds() {
        if (cursor.statementLacksBounds() && !toldLacksBounds) {
            toldLacksBounds = true;
            log.warn("account-auth: <queries>/<changes-since> does not return the newest row as the shipped " +
                    "statement does, so each idle poll also runs <latest-change>, and rows deleted before this " +
                    "node read them go unnoticed; see conf/config.xml");
        }
    }

    private long now() {
        return clock.getAsLong();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
