package com.accountauth.extension.cache;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.auth.AccessPlan;
import com.accountauth.extension.auth.PrincipalRecord;
import com.accountauth.extension.config.CacheSettings;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ClientIdOwner;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.Principal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessCachesTest {

    private static final LoginName ALICE_LOGIN = new LoginName(LoginName.Kind.ACCOUNT, "alice@example.com");
    private static final PrincipalRecord ALICE = new PrincipalRecord(
            new Principal(Principal.Kind.USER, 1, "alice@example.com"), Optional.of("$2a$hash-1"), true,
            Optional.empty(), Optional.empty());

    private final AccessCaches caches = new AccessCaches(new CacheSettings(1000, 3600, 30, 1000, 1000));

    @Test
    void aStormOfOnePrincipalCostsOneLoad() throws Exception {
        final AtomicInteger loads = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            final List<Future<Optional<PrincipalRecord>>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return caches.principal(ALICE_LOGIN, () -> {
                        loads.incrementAndGet();
                        sleepQuietly(50); // a slow DB: everybody arrives while the one load runs
                        return Optional.of(ALICE);
                    });
                }));
            }
            start.countDown();
            for (final Future<Optional<PrincipalRecord>> result : results) {
                assertEquals(Optional.of(ALICE), result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, loads.get());
    }

    private static void sleepQuietly(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void onlyMatchingPasswordsAreRemembered() throws Exception {
        final AtomicInteger checks = new AtomicInteger();
        assertFalse(caches.verified(ALICE, "wrong", () -> checks.incrementAndGet() < 0));
        assertFalse(caches.verified(ALICE, "wrong", () -> checks.incrementAndGet() < 0));
        assertEquals(2, checks.get(), "a mismatch must be checked again every time");
        assertTrue(caches.verified(ALICE, "right", () -> checks.incrementAndGet() > 0));
        assertTrue(caches.verified(ALICE, "right", () -> {
            throw new AssertionError("a remembered match must not be checked again");
        }));
        // a new hash in the DB never matches an old entry
        final PrincipalRecord rehashed = new PrincipalRecord(ALICE.principal(), Optional.of("$2a$hash-2"), true,
                Optional.empty(), Optional.empty());
        assertFalse(caches.verified(rehashed, "right", () -> false));
    }

    @Test
    void databaseFailuresAreNotCached() throws Exception {
        assertThrows(AccountStoreUnavailableException.class, () -> caches.principal(ALICE_LOGIN, () -> {
            throw new AccountStoreUnavailableException("down", null);
        }));
        assertEquals(Optional.of(ALICE), caches.principal(ALICE_LOGIN, () -> Optional.of(ALICE)));
    }

    @Test
    void aClientIdOwnerReadWithThePrincipalsRowNeedsNoQuery() throws Exception {
        caches.clientIdOwnerRead(new ClientIdOwner("alice-phone", Optional.of("account:1")));
        assertEquals(Optional.of("account:1"), caches.clientIdOwner("alice-phone", knownUnbound -> {
            throw new AssertionError("the owner came with the row");
        }));
        assertEquals(Optional.of("account:1"), caches.clientIdOwnerIfCached("alice-phone"));
    }

    @Test
    void anUnboundClientIdIsStillBoundButWithoutALookUpFirst() throws Exception {
        caches.clientIdOwnerRead(new ClientIdOwner("new-phone", Optional.empty()));
        assertEquals(Optional.empty(), caches.clientIdOwnerIfCached("new-phone"),
                "decisions from the caches alone must not take 'unbound' for an owner");
        final List<Boolean> binds = new ArrayList<>();
        assertEquals(Optional.of("account:1"), caches.clientIdOwner("new-phone", knownUnbound -> {
            binds.add(knownUnbound);
            return Optional.of("account:1");
        }));
        assertEquals(List.of(true), binds);
        assertEquals(Optional.of("account:1"), caches.clientIdOwnerIfCached("new-phone"));
    }

    @Test
    void aFailedBindOfAnUnboundClientIdLeavesNothingBehind() throws Exception {
        caches.clientIdOwnerRead(new ClientIdOwner("new-phone", Optional.empty()));
        assertThrows(AccountStoreUnavailableException.class, () -> caches.clientIdOwner("new-phone", knownUnbound -> {
            throw new AccountStoreUnavailableException("down", null);
        }));
        final List<Boolean> binds = new ArrayList<>();
        assertEquals(Optional.of("device:3"), caches.clientIdOwner("new-phone", knownUnbound -> {
            binds.add(knownUnbound);
            return Optional.of("device:3");
        }));
        assertEquals(List.of(false), binds, "after a failure the owner is looked up again, not assumed unbound");
    }

    @Test
    void invalidationForgetsThePrincipalItsCredentialsAndThePlansOfPairedUsers() throws Exception {
        caches.principal(ALICE_LOGIN, () -> Optional.of(ALICE));
        caches.verified(ALICE, "right", () -> true);
        caches.plan(ALICE.principal(), () -> new AccessPlan(Permissions.NONE, List.of(), Set.of(7L)));

        caches.invalidate(Set.of(), Set.of(7L), false);
        final AtomicInteger planLoads = new AtomicInteger();
        caches.plan(ALICE.principal(), () -> {
            planLoads.incrementAndGet();
            return new AccessPlan(Permissions.NONE, List.of(), Set.of());
        });
        assertEquals(1, planLoads.get(), "a device change must drop the plans of its users");

        caches.invalidate(Set.of("account:1"), Set.of(), false);
        final AtomicInteger loads = new AtomicInteger();
        caches.principal(ALICE_LOGIN, () -> {
            loads.incrementAndGet();
            return Optional.of(ALICE);
        });
        assertEquals(1, loads.get());
        assertTrue(caches.verified(ALICE, "right", () -> loads.incrementAndGet() > 0));
        assertEquals(2, loads.get(), "the credential must be checked again after a change");
    }

    @Test
    void unknownUsernamesAreRememberedUntilRowsAreAdded() throws Exception {
        final LoginName nobody = new LoginName(LoginName.Kind.ACCOUNT, "nobody@example.com");
        final AtomicInteger loads = new AtomicInteger();
        caches.principal(nobody, () -> {
            loads.incrementAndGet();
            return Optional.empty();
        });
        caches.principal(nobody, () -> {
            loads.incrementAndGet();
            return Optional.empty();
        });
        assertEquals(1, loads.get());
        caches.invalidate(Set.of("account:99"), Set.of(), true);
        caches.principal(nobody, () -> {
            loads.incrementAndGet();
            return Optional.empty();
        });
        assertEquals(2, loads.get());
    }
}
