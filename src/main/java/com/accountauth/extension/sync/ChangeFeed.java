package com.accountauth.extension.sync;

import com.accountauth.extension.db.AccountChange;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls the account DB's change feed (filled by the schema's triggers) by sequence number: one small query per
 * interval when nothing changed, and only the principals a change touches are reloaded. Every broker node polls on
 * its own, so all of them apply a change within the interval.
 */
public final class ChangeFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final AccountRepository repository;
    private final ChangeApplier applier;
    private final long intervalMillis;
    private final ScheduledExecutorService scheduler;
    private long lastSeq = -1;
    private long lastWarning;

    public ChangeFeed(final AccountRepository repository, final ChangeApplier applier, final long intervalMillis) {
        this.repository = repository;
        this.applier = applier;
        this.intervalMillis = intervalMillis;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "account-auth-change-feed");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::pollSafely, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (final AccountStoreUnavailableException | RuntimeException e) {
            final long now = System.currentTimeMillis();
            if (now - lastWarning > WARN_EVERY_MILLIS) {
                lastWarning = now;
                log.warn("account-auth: live changes paused, will retry every {} ms: {}", intervalMillis,
                        e.getMessage());
            }
        }
    }

    private void poll() throws AccountStoreUnavailableException {
        if (lastSeq < 0) {
            // start from now: clients that connect from here on are checked against the DB anyway
            lastSeq = repository.latestChange();
            log.info("account-auth: following the change feed from seq {}", lastSeq);
            return;
        }
        List<AccountChange> changes = repository.changesSince(lastSeq);
        while (!changes.isEmpty()) {
            applier.apply(ChangeSet.of(changes));
            lastSeq = changes.get(changes.size() - 1).seq(); // only after they were applied
            changes = repository.changesSince(lastSeq);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
