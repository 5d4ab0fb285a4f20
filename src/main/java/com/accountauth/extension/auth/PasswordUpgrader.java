package com.accountauth.extension.auth;

import com.accountauth.extension.db.AccountStore;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.password.PasswordUpgrade;
import com.accountauth.extension.password.PasswordVerifier;
import com.accountauth.extension.password.Rehashes;
import com.accountauth.extension.util.RateLimitedLog;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Upgrade on login: rewrites a stored hash weaker than its kind's target, with the password a CONNECT just verified
 * against it. Runs after the client was answered, on a thread of its own (one, at low priority, with a bounded
 * queue), so no CONNECT waits for the new hash or the UPDATE. Each (principal, old hash) is tried once: the UPDATE
 * changes the row only if it still holds the old hash, and {@link Rehashes} keeps the live change it causes from
 * disconnecting the clients that logged in with the old one.
 */
public final class PasswordUpgrader {

    private static final Logger log = LoggerFactory.getLogger(PasswordUpgrader.class);
    private static final int QUEUE = 1_000;

    private final PasswordVerifier verifier;
    private final AccountStore store;
    private final Rehashes rehashes;
    private final ThreadPoolExecutor executor;
    // principal key + old hash of upgrades taken on: a storm of one device's clients rewrites its row once
    private final RateLimitedLog failures = new RateLimitedLog(TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    private final Cache<String, Boolean> taken = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    public PasswordUpgrader(final PasswordVerifier verifier, final AccountStore store, final Rehashes rehashes) {
        this.verifier = verifier;
        this.store = store;
        this.rehashes = rehashes;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                runnable -> {
                    final Thread thread = new Thread(runnable, "account-auth-password-upgrade");
                    thread.setDaemon(true);
                    thread.setPriority(Thread.MIN_PRIORITY);
                    return thread;
                });
    }

    /** Takes an upgrade on, unless it is taken already; never blocks. */
    public void submit(final PasswordUpgrade upgrade) {
        final String key = upgrade.principal().key() + "\0" + upgrade.oldHash();
        if (taken.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        try {
            executor.execute(() -> run(upgrade, key));
        } catch (final RejectedExecutionException e) {
            taken.invalidate(key); // a later login tries again
            log.debug("account-auth: {} skipped: the upgrade queue is full", upgrade);
        }
    }

    private void run(final PasswordUpgrade upgrade, final String key) {
        final Principal principal = upgrade.principal();
        final String newHash = verifier.hashForTarget(principal.kind(), upgrade.password());
        // noted before the row changes, so the live change it causes never finds a grant it does not know
        rehashes.record(principal.key(), upgrade.oldHash(), newHash);
        try {
            if (store.replacePasswordHash(principal.kind() == Principal.Kind.DEVICE, principal.id(),
                    upgrade.oldHash(), newHash)) {
                log.info("account-auth: password hash of {} upgraded from {} to {}", principal,
                        verifier.costOf(upgrade.oldHash()).orElse("?"), verifier.costOf(newHash).orElse("?"));
            } else {
                rehashes.forget(newHash);
                log.info("account-auth: password hash of {} not upgraded: its row changed meanwhile", principal);
            }
        } catch (final AccountStoreUnavailableException | RuntimeException e) {
            rehashes.forget(newHash);
            taken.invalidate(key);
            // a missing UPDATE grant fails every upgrade alike: one line per interval, with the count
            final long heldBack = failures.tryAcquire();
            if (heldBack >= 0) {
                log.warn("account-auth: password hash of {} not upgraded (a later login tries again): {}{}",
                        principal, e.getMessage(), heldBack > 0 ? " (" + heldBack + " more failures not logged)" : "");
            }
        }
    }

    /** Stops taking upgrades; one running finishes. */
    public void stop() {
        executor.shutdownNow();
    }
}
