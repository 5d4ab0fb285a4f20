package com.accountauth.extension.cache;

import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.config.CacheSettings;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ClientIdOwner;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.Principal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
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
            new Principal(Principal.Kind.USER, 1, "alice@example.com"), "$2a$hash-1", true, Optional.empty(), null);

    private static final Duration HORIZON = Duration.ofSeconds(30);

    private final AccessCaches caches = new AccessCaches(new CacheSettings(1000, 3600, 30, 1000, 1000), HORIZON);

    @Test
    void aStormOfOnePrincipalCostsOneLoad() throws Exception {
        final AtomicInteger loads = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            final List<Future<Optional<CachedPrincipal>>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return caches.principal(ALICE_LOGIN, readAt -> {
                        loads.incrementAndGet();
                        sleepQuietly(50); // a slow DB: everybody arrives while the one load runs
                        return Optional.of(caches.entry(ALICE, Optional.empty(), readAt));
                    });
                }));
            }
            start.countDown();
            for (final Future<Optional<CachedPrincipal>> result : results) {
                assertEquals(ALICE, result.get(10, TimeUnit.SECONDS).orElseThrow().record());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, loads.get());
    }

    private static boolean awaitQuietly(final CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleepQuietly(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CachedPrincipal alice() throws AccountStoreUnavailableException {
        return caches.principal(ALICE_LOGIN, readAt -> Optional.of(caches.entry(ALICE, Optional.empty(), readAt))).orElseThrow();
    }

    @Test
    void onlyMatchingPasswordsAreRemembered() throws Exception {
        final CachedPrincipal alice = alice();
        final AtomicInteger checks = new AtomicInteger();
        assertFalse(caches.verified(alice, "wrong", () -> checks.incrementAndGet() < 0));
        assertFalse(caches.verified(alice, "wrong", () -> checks.incrementAndGet() < 0));
        assertEquals(2, checks.get(), "a mismatch must be checked again every time");
        assertFalse(caches.verifiedIfCached(alice, "right"));
        assertTrue(caches.verified(alice, "right", () -> checks.incrementAndGet() > 0));
        assertTrue(caches.verified(alice, "right", () -> {
            throw new AssertionError("a remembered match must not be checked again");
        }));
        assertTrue(caches.verifiedIfCached(alice, "right"));
        assertFalse(caches.verifiedIfCached(alice, "wrong"));
        // a new hash in the DB never matches an old entry
        final PrincipalRecord rehashed = new PrincipalRecord(ALICE.principal(), "$2a$hash-2", true,
                Optional.empty(), null);
        assertFalse(caches.verified(caches.entry(rehashed, Optional.empty(), caches.now()), "right", () -> false));
    }

    @Test
    void concurrentAttemptsWithOnePasswordCostOneCheckAndOthersRunAlongside() throws Exception {
        final CachedPrincipal alice = alice();
        final AtomicInteger rightChecks = new AtomicInteger();
        final AtomicInteger wrongChecks = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            final List<Future<Boolean>> right = new ArrayList<>();
            final List<Future<Boolean>> wrong = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                right.add(pool.submit(() -> {
                    start.await();
                    return caches.verified(alice, "right", () -> {
                        rightChecks.incrementAndGet();
                        sleepQuietly(100); // bcrypt: everybody with the same password arrives while it runs
                        return true;
                    });
                }));
            }
            for (int i = 0; i < 8; i++) {
                final String guess = "guess-" + i;
                wrong.add(pool.submit(() -> {
                    start.await();
                    return caches.verified(alice, guess, () -> {
                        wrongChecks.incrementAndGet();
                        sleepQuietly(100);
                        return false;
                    });
                }));
            }
            start.countDown();
            for (final Future<Boolean> result : right) {
                assertTrue(result.get(10, TimeUnit.SECONDS));
            }
            for (final Future<Boolean> result : wrong) {
                assertFalse(result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, rightChecks.get(), "one bcrypt check for one password, however many ask at once");
        assertEquals(8, wrongChecks.get(), "each other password is checked on its own");
    }

    @Test
    void passwordsAreNotRememberedWhenMaxCredentialsIsZero() throws Exception {
        final AccessCaches noCredentials = new AccessCaches(new CacheSettings(1000, 3600, 30, 0, 1000), HORIZON);
        final CachedPrincipal alice = noCredentials.principal(ALICE_LOGIN,
                readAt -> Optional.of(noCredentials.entry(ALICE, Optional.empty(), readAt))).orElseThrow();
        final AtomicInteger checks = new AtomicInteger();
        assertTrue(noCredentials.verified(alice, "right", () -> checks.incrementAndGet() > 0));
        assertTrue(noCredentials.verified(alice, "right", () -> checks.incrementAndGet() > 0));
        assertEquals(2, checks.get());
        assertFalse(noCredentials.verifiedIfCached(alice, "right"));
    }

    @Test
    void aReloadThatTurnsTheCredentialCacheOffForgetsNoLaterThanTheNextAskAndOnRemembersAgain() throws Exception {
        final CachedPrincipal alice = alice();
        assertTrue(caches.verified(alice, "right", () -> true));
        assertTrue(caches.verifiedIfCached(alice, "right"));
        caches.use(new CacheSettings(10, 60, 5, 0, 10));
        assertFalse(caches.verifiedIfCached(alice, "right"), "off: a remembered match no longer counts");
        final AtomicInteger checks = new AtomicInteger();
        assertTrue(caches.verified(alice, "right", () -> checks.incrementAndGet() > 0));
        assertEquals(1, checks.get(), "off: every CONNECT is checked");
        caches.use(new CacheSettings(10, 60, 5, 1000, 10));
        assertTrue(caches.verified(alice, "right", () -> checks.incrementAndGet() > 0));
        assertTrue(caches.verifiedIfCached(alice, "right"));
    }

    @Test
    void databaseFailuresAreNotCached() throws Exception {
        assertThrows(AccountStoreUnavailableException.class, () -> caches.principal(ALICE_LOGIN, readAt -> {
            throw new AccountStoreUnavailableException("down", null);
        }));
        assertEquals(ALICE, alice().record());
        assertThrows(AccountStoreUnavailableException.class, () -> caches.plan(alice(), () -> {
            throw new AccountStoreUnavailableException("down", null);
        }));
        assertEquals(Optional.empty(), caches.planIfCached(alice()));
    }

    @Test
    void aClientIdOwnerReadWithThePrincipalsRowNeedsNoQuery() throws Exception {
        final CachedPrincipal alice = caches.principal(ALICE_LOGIN, readAt -> Optional.of(caches.entry(ALICE,
                Optional.of(new ClientIdOwner("alice-phone", Optional.of("account:1"))), readAt))).orElseThrow();
        assertEquals(Optional.of("account:1"), caches.clientIdOwner(alice, "alice-phone", knownUnbound -> {
            throw new AssertionError("the owner came with the row");
        }));
        assertEquals(Optional.of("account:1"), caches.clientIdOwnerIfCached(alice, "alice-phone"));
        assertEquals(Optional.empty(), caches.clientIdOwnerIfCached(alice, "alice-tablet"));
    }

    @Test
    void aClientIdReadAsAnothersIsAnsweredWithTheOtherOwner() throws Exception {
        final CachedPrincipal alice = caches.principal(ALICE_LOGIN, readAt -> Optional.of(caches.entry(ALICE,
                Optional.of(new ClientIdOwner("bobs-phone", Optional.of("account:2"))), readAt))).orElseThrow();
        assertEquals(Optional.of("account:2"), caches.clientIdOwnerIfCached(alice, "bobs-phone"));
        assertEquals(Optional.of("account:2"), caches.clientIdOwner(alice, "bobs-phone", knownUnbound -> {
            throw new AssertionError("the owner came with the row");
        }));
    }

    @Test
    void anUnboundClientIdIsStillBoundButWithoutALookUpFirst() throws Exception {
        final CachedPrincipal alice = caches.principal(ALICE_LOGIN, readAt -> Optional.of(caches.entry(ALICE,
                Optional.of(new ClientIdOwner("new-phone", Optional.empty())), readAt))).orElseThrow();
        assertEquals(Optional.empty(), caches.clientIdOwnerIfCached(alice, "new-phone"),
                "decisions from the caches alone must not take 'unbound' for an owner");
        final List<Boolean> binds = new ArrayList<>();
        assertEquals(Optional.of("account:1"), caches.clientIdOwner(alice, "new-phone", knownUnbound -> {
            binds.add(knownUnbound);
            return Optional.of("account:1");
        }));
        assertEquals(List.of(true), binds);
        assertEquals(Optional.of("account:1"), caches.clientIdOwnerIfCached(alice, "new-phone"));
    }

    @Test
    void manyClientIdsOfOnePrincipalAreAllRemembered() throws Exception {
        final CachedPrincipal alice = alice();
        for (int i = 0; i < 5; i++) {
            final String clientId = "alice-" + i;
            assertEquals(Optional.of("account:1"), caches.clientIdOwner(alice, clientId,
                    knownUnbound -> Optional.of("account:1")));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.of("account:1"), caches.clientIdOwnerIfCached(alice, "alice-" + i));
        }
    }

    @Test
    void aFailedBindOfAnUnboundClientIdLeavesNothingBehind() throws Exception {
        final CachedPrincipal alice = caches.principal(ALICE_LOGIN, readAt -> Optional.of(caches.entry(ALICE,
                Optional.of(new ClientIdOwner("new-phone", Optional.empty())), readAt))).orElseThrow();
        assertThrows(AccountStoreUnavailableException.class, () -> caches.clientIdOwner(alice, "new-phone",
                knownUnbound -> {
                    throw new AccountStoreUnavailableException("down", null);
                }));
        final List<Boolean> binds = new ArrayList<>();
        assertEquals(Optional.of("device:3"), caches.clientIdOwner(alice, "new-phone", knownUnbound -> {
            binds.add(knownUnbound);
            return Optional.of("device:3");
        }));
        assertEquals(List.of(false), binds, "after a failure the owner is looked up again, not assumed unbound");
        assertEquals(Optional.of("device:3"), caches.clientIdOwnerIfCached(alice, "new-phone"));
    }

    @Test
    void invalidationForgetsThePrincipalItsCredentialsAndThePlansOfPairedUsers() throws Exception {
        final CachedPrincipal alice = alice();
        caches.verified(alice, "right", () -> true);
        caches.clientIdOwner(alice, "alice-phone", knownUnbound -> Optional.of("account:1"));
        caches.plan(alice, () -> new AccessPlan(Permissions.NONE, List.of(), new long[]{7L}));

        caches.invalidate(new ChangeSet(Set.of(), Set.of(8L), false, false));
        assertTrue(caches.planIfCached(alice).isPresent(), "a change of an unpaired device keeps the plan");
        caches.invalidate(new ChangeSet(Set.of(), Set.of(7L), false, false));
        assertEquals(Optional.empty(), caches.planIfCached(alice), "a device change must drop the plans of its users");
        final AtomicInteger planLoads = new AtomicInteger();
        caches.plan(alice, () -> {
            planLoads.incrementAndGet();
            return new AccessPlan(Permissions.NONE, List.of(), AccessPlan.NO_DEVICES);
        });
        assertEquals(1, planLoads.get());
        assertTrue(caches.verifiedIfCached(alice, "right"), "a device change keeps the principal's credential");

        caches.invalidate(new ChangeSet(Set.of("account:1"), Set.of(), false, false));
        final AtomicInteger loads = new AtomicInteger();
        final CachedPrincipal reloaded = caches.principal(ALICE_LOGIN, readAt -> {
            loads.incrementAndGet();
            return Optional.of(caches.entry(ALICE, Optional.empty(), readAt));
        }).orElseThrow();
        assertEquals(1, loads.get());
        assertFalse(caches.verifiedIfCached(reloaded, "right"), "the credential must be checked again after a change");
        assertEquals(Optional.empty(), caches.planIfCached(reloaded));
        assertEquals(Optional.empty(), caches.clientIdOwnerIfCached(reloaded, "alice-phone"));
    }

    @Test
    void aPlanLoadedWhileItsDeviceChangesIsNotKept() throws Exception {
        final CachedPrincipal alice = alice();
        final CountDownLatch loading = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            final Future<AccessPlan> load = pool.submit(() -> caches.plan(alice, () -> {
                loading.countDown();
                assertTrue(awaitQuietly(release)); // the pairings were read before the change below
                return new AccessPlan(Permissions.NONE, List.of(), new long[]{7L});
            }));
            assertTrue(loading.await(10, TimeUnit.SECONDS));
            final Future<?> invalidation =
                    pool.submit(() -> caches.invalidate(new ChangeSet(Set.of(), Set.of(7L), false, false)));
            sleepQuietly(100);
            release.countDown();
            load.get(10, TimeUnit.SECONDS);
            invalidation.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Optional.empty(), caches.planIfCached(alice), "the invalidation must win over the load");
    }

    @Test
    void unknownUsernamesAreRememberedUntilRowsAreAdded() throws Exception {
        final LoginName nobody = new LoginName(LoginName.Kind.ACCOUNT, "nobody@example.com");
        final AtomicInteger loads = new AtomicInteger();
        assertEquals(Optional.empty(), caches.principal(nobody, readAt -> {
            loads.incrementAndGet();
            return Optional.empty();
        }));
        caches.principal(nobody, readAt -> {
            loads.incrementAndGet();
            return Optional.empty();
        });
        assertEquals(1, loads.get());
        assertEquals(Optional.empty(), caches.principalIfCached(nobody));
        caches.invalidate(new ChangeSet(Set.of("account:99"), Set.of(), true, false));
        caches.principal(nobody, readAt -> {
            loads.incrementAndGet();
            return Optional.empty();
        });
        assertEquals(2, loads.get());
    }

    @Test
    void aReservationReadWithARowIsCachedOnlyIfNoChangeCameDuringTheRead() throws Exception {
        final long quiet = caches.now();
        caches.reserved("UID7", Optional.of("device:7"), quiet);
        assertEquals(Optional.of(Optional.of("device:7")), caches.reservationIfCached("UID7"));

        // a device added while the row was read may be the one whose uid the client id is: not trusted, asked again
        final long overtaken = caches.now();
        caches.invalidate(new ChangeSet(Set.of("device:8"), Set.of(8L), true, false));
        caches.reserved("UID8", Optional.empty(), overtaken);
        assertEquals(Optional.empty(), caches.reservationIfCached("UID8"));
        assertEquals(Optional.of("device:8"), caches.reservation("UID8", () -> Optional.of("device:8")));
    }
}
