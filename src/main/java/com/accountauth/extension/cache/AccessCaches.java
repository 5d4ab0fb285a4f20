package com.accountauth.extension.cache;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.cache.CachedPrincipal.CredentialDigest;
import com.accountauth.extension.config.CacheSettings;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.db.ClientIdOwner;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.Principal;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The caches that make a reconnect cost no DB query and no bcrypt check: principal rows (and "no such username" for
 * a short while), each with its verified credential, access plan and bound client id, plus the owners of other client
 * ids. Every load is single-flight: a storm of clients of one principal costs one query and one bcrypt check. Live
 * changes invalidate entries at once.
 * <p>
 * A verified credential is kept as a keyed digest (HMAC with a key made at start and never stored) of the stored
 * hash and the password, so the cache holds nothing that logs a client in, and a new hash in the DB never matches an
 * old entry.
 */
public final class AccessCaches {

    /** Never an owner key (those are {@code account:<id>} and {@code device:<id>}). */
    private static final String UNBOUND = "";
    /** Loads of one principal in a row that a change overtook before the CONNECT gives up with 0x88. */
    private static final int LOAD_ATTEMPTS = 3;

    // keyed by the login's lookup key: a MAC never contains the '@' every email has, so the kinds never collide
    private final Cache<String, CachedPrincipal> principals;
    // settings a reload may change; the caches' sizes and the owners' lifetime are changed in place (use)
    private volatile boolean rememberPasswords;
    private volatile long ttlNanos;
    private volatile long unknownNanos;
    // only while a bcrypt check runs: concurrent attempts with the same password wait for it instead of their own
    private final ConcurrentHashMap<Checking, CompletableFuture<Boolean>> checking = new ConcurrentHashMap<>();
    // owner keys of client ids not held by their principal's entry; UNBOUND for a client id just read without an
    // owner, which the next bind may skip looking up
    private final Cache<String, String> clientIdOwners;
    // the device each client id is reserved to (its MAC or uid), UNBOUND for one reserved to none
    private final Cache<String, String> reservations;
    // one Mac per thread: getInstance and init cost more than the digest itself
    private final ThreadLocal<Mac> macs;
    private final ChangeClock clock;
    private final Duration horizon;

    /**
     * @param horizon longer than any load of a principal or plan takes (the DB's connection and query timeouts) and
     *                than any CONNECT takes (its timeout): a change is invalidated again after it
     */
    public AccessCaches(final CacheSettings settings, final Duration horizon) {
        this.horizon = horizon;
        this.clock = new ChangeClock(horizon);
        ttlNanos = TimeUnit.SECONDS.toNanos(settings.principalTtlSeconds());
        unknownNanos = TimeUnit.SECONDS.toNanos(settings.unknownTtlSeconds());
        principals = Caffeine.newBuilder()
                .maximumSize(settings.maxPrincipals())
                // read at each entry's creation: an entry made after a reload lives by the new lifetimes
                .expireAfter(Expiry.<String, CachedPrincipal>creating(
                        (key, value) -> Duration.ofNanos(value.isUnknown() ? unknownNanos : ttlNanos)))
                .build();
        rememberPasswords = settings.maxCredentials() > 0;
        clientIdOwners = Caffeine.newBuilder().maximumSize(settings.maxClientIds())
                .expireAfterWrite(Duration.ofNanos(ttlNanos)).build();
        reservations = Caffeine.newBuilder().maximumSize(settings.maxClientIds())
                .expireAfterWrite(Duration.ofNanos(ttlNanos)).build();
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final SecretKeySpec digestKey = new SecretKeySpec(key, "HmacSHA256");
        macs = ThreadLocal.withInitial(() -> {
            try {
                final Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(digestKey);
                return mac;
            } catch (final GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        });
    }

    /**
     * Takes over reloaded sizes and lifetimes. Entries already made keep the lifetime they were made with; a reload
     * that changes these is followed by a resync, which forgets them all, so none outlives it by its old lifetime.
     */
    public void use(final CacheSettings settings) {
        ttlNanos = TimeUnit.SECONDS.toNanos(settings.principalTtlSeconds());
        unknownNanos = TimeUnit.SECONDS.toNanos(settings.unknownTtlSeconds());
        rememberPasswords = settings.maxCredentials() > 0;
        principals.policy().eviction().ifPresent(eviction -> eviction.setMaximum(settings.maxPrincipals()));
        for (final Cache<String, String> owners : List.of(clientIdOwners, reservations)) {
            owners.policy().eviction().ifPresent(eviction -> eviction.setMaximum(settings.maxClientIds()));
            owners.policy().expireAfterWrite().ifPresent(expiry -> expiry.setExpiresAfter(
                    Duration.ofSeconds(settings.principalTtlSeconds())));
        }
    }

    /** A load that may fail because the DB is unavailable. */
    @FunctionalInterface
    public interface Load<T> {
        T load() throws AccountStoreUnavailableException;
    }

    /** A principal's load, told the change generation taken before it reads (to stamp the entry it makes). */
    @FunctionalInterface
    public interface PrincipalLoad {
        Optional<CachedPrincipal> load(long readAt) throws AccountStoreUnavailableException;
    }

    /**
     * A principal's entry as a load makes it, with the owner of the CONNECT's client id when it was read with the row
     * (then the CONNECT's client-id check needs no query of its own). An unbound client id is only marked: the check
     * still binds it (and reads back who won), and decisions from the caches alone do not see the mark.
     */
    public CachedPrincipal entry(final PrincipalRecord record, final Optional<ClientIdOwner> read, final long readAt) {
        final CachedPrincipal entry = new CachedPrincipal(record, readAt);
        read.ifPresent(owner -> {
            final String ownerKey = owner.ownerKey().orElse(UNBOUND);
            if (!ownerKey.equals(record.principal().key()) || !entry.bind(owner.clientId())) {
                clientIdOwners.put(owner.clientId(), ownerKey);
            }
        });
        return entry;
    }

    /**
     * Caches a device read at start, with its plan and the client ids bound to it, as a CONNECT's load would have
     * (stamped {@code readAt}, taken before the read); false, and nothing cached, when a change touched the device
     * since then or the caches know it already (a CONNECT's load came first: it is at least as new).
     */
    public boolean preloaded(final LoginName login, final PrincipalRecord record, final AccessPlan plan,
                             final List<String> clientIds, final long readAt) {
        final String key = record.principal().key();
        if (clock.principalChangedSince(key, readAt)) {
            return false;
        }
        final CachedPrincipal entry = new CachedPrincipal(record, readAt);
        entry.plan(plan, readAt);
        for (final String clientId : clientIds) {
            if (!entry.bind(clientId)) {
                clientIdOwners.asMap().putIfAbsent(clientId, key);
            }
        }
        // a change recorded between the check above and this put makes the entry stale at its first use
        // (isCurrent), and the change's second invalidation after the horizon removes it
        return principals.asMap().putIfAbsent(login.lookupKey(), entry) == null;
    }

    /**
     * The principal for a login name, loaded once however many ask at the same time; empty when there is none. An
     * entry that a change overtook while it was loading (it may hold the row from before) is loaded again.
     */
    public Optional<CachedPrincipal> principal(final LoginName login, final PrincipalLoad load)
            throws AccountStoreUnavailableException {
        final String key = login.lookupKey();
        for (int attempt = 1; ; attempt++) {
            final CachedPrincipal entry = get(principals, key, () -> {
                final long readAt = clock.now();
                return load.load(readAt).orElseGet(() -> new CachedPrincipal(null, readAt));
            });
            if (isCurrent(entry)) {
                return entry.isUnknown() ? Optional.empty() : Optional.of(entry);
            }
            principals.asMap().remove(key, entry);
            if (attempt == LOAD_ATTEMPTS) {
                throw new AccountStoreUnavailableException(LOAD_ATTEMPTS + " loads of " + entry +
                        " in a row were overtaken by live changes", null);
            }
        }
    }

    /** True when no change since the entry was read touched it. */
    private boolean isCurrent(final CachedPrincipal entry) {
        return entry.isUnknown() ? !clock.rowsAddedSince(entry.readAt()) :
                !clock.principalChangedSince(entry.record().principal().key(), entry.readAt());
    }

    /** True when the plan was read after every change that touched it: its principal or a paired device. */
    private boolean isCurrent(final CachedPrincipal entry, final AccessPlan plan, final long readAt) {
        return stillCurrent(entry.record().principal().key(), plan, readAt);
    }

    /** The change generation now: stamp what is read from the DB with it before reading. */
    public long now() {
        return clock.now();
    }

    /**
     * True when nothing a CONNECT decided on changed since {@code readAt} (when its first fact was read): the
     * principal's row and its plan. Asked after the CONNECT's grant is registered, where live changes reach it.
     */
    public boolean stillCurrent(final String principalKey, final AccessPlan plan, final long readAt) {
        return !clock.principalChangedSince(principalKey, readAt)
                && !plan.anyPairedDevice(id -> clock.devicesChangedSince(id, readAt));
    }

    /** True when this password matches the principal's stored hash; only a match is remembered. */
    public boolean verified(final CachedPrincipal entry, final String password, final Load<Boolean> check)
            throws AccountStoreUnavailableException {
        if (!rememberPasswords) {
            return check.load();
        }
        final CredentialDigest digest = digest(entry.record(), password);
        if (entry.verifiedAs(digest)) {
            return true;
        }
        // single-flight per (entry, digest); a mismatch is not stored (it would only help a guesser)
        final Checking key = new Checking(entry, digest);
        final CompletableFuture<Boolean> mine = new CompletableFuture<>();
        final CompletableFuture<Boolean> running = checking.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (final CompletionException e) {
                throw unavailableOr(e);
            }
        }
        try {
            final boolean matches = check.load();
            if (matches) {
                entry.verified(digest);
            }
            mine.complete(matches);
            return matches;
        } catch (final AccountStoreUnavailableException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(key, mine);
        }
    }

    /** A bcrypt check in progress: the entry by identity (a replaced row is another entry) and the digest. */
    private record Checking(CachedPrincipal entry, CredentialDigest digest) {

        @Override
        public boolean equals(final Object o) {
            return o instanceof Checking other && other.entry == entry && other.digest.equals(digest);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(entry) * 31 + digest.hashCode();
        }
    }

    /** The access plan of a principal, loaded once however many ask; loaded again when a change overtook it. */
    public AccessPlan plan(final CachedPrincipal entry, final Load<AccessPlan> load)
            throws AccountStoreUnavailableException {
        final AccessPlan cached = planIfCached(entry).orElse(null);
        if (cached != null) {
            return cached;
        }
        // single-flight: a storm of one account's clients costs one pairings query; an invalidation waits for it
        synchronized (entry) {
            for (int attempt = 1; ; attempt++) {
                final AccessPlan plan = entry.plan();
                if (plan != null && isCurrent(entry, plan, entry.planReadAt())) {
                    return plan;
                }
                if (attempt > LOAD_ATTEMPTS) {
                    throw new AccountStoreUnavailableException(LOAD_ATTEMPTS + " loads of the plan of " + entry +
                            " in a row were overtaken by live changes", null);
                }
                final long readAt = clock.now();
                entry.plan(load.load(), readAt);
            }
        }
    }



    /** Binds a client id and answers its owner; see {@link #clientIdOwner(CachedPrincipal, String, Bind)}. */
    @FunctionalInterface
    public interface Bind {
        /**
         * @param knownUnbound the client id was read without an owner just before, with its principal's row: bind
         *                     it without looking it up first
         */
        Optional<String> bind(boolean knownUnbound) throws AccountStoreUnavailableException;
    }

    /** The owner of a client id a principal presents (binding it on first use), asked of the DB once. */
    public Optional<String> clientIdOwner(final CachedPrincipal entry, final String clientId, final Bind bind)
            throws AccountStoreUnavailableException {
        final String ownKey = entry.record().principal().key();
        if (entry.isBoundTo(clientId)) {
            return Optional.of(ownKey);
        }
        final String cached = clientIdOwners.getIfPresent(clientId);
        if (cached != null && !cached.equals(UNBOUND)) {
            return Optional.of(cached);
        }
        // the one who takes the UNBOUND mark away binds without a look-up; it is never left behind after a failure
        final boolean knownUnbound = cached != null && clientIdOwners.asMap().remove(clientId, UNBOUND);
        final String owner = get(clientIdOwners, clientId, () -> bind.bind(knownUnbound).orElse(null));
        if (ownKey.equals(owner) && entry.bind(clientId)) {
            clientIdOwners.asMap().remove(clientId, owner); // held by the entry now, one cache entry less per client
        }
        return Optional.ofNullable(owner);
    }

    /**
     * The device a client id is reserved to (it is that device's MAC or uid), as {@code device:<id>}; empty when it is
     * reserved to none. Asked of the DB once per client id while cached.
     */
    public Optional<String> reservation(final String clientId, final Load<Optional<String>> load)
            throws AccountStoreUnavailableException {
        final String device = get(reservations, clientId, () -> load.load().orElse(UNBOUND));
        return device.equals(UNBOUND) ? Optional.empty() : Optional.of(device);
    }

    /**
     * Remembers the device a client id is reserved to as a principal's statement read it (see {@link #reservation}),
     * unless any change came after the read: a reservation depends on every device row, so only a read that no
     * change overtook is trusted; otherwise the CONNECT's check asks the DB on its own.
     */
    public void reserved(final String clientId, final Optional<String> device, final long readAt) {
        if (clock.now() == readAt) {
            reservations.asMap().putIfAbsent(clientId, device.orElse(UNBOUND));
        }
    }

    /**
     * What {@link #reservation} would answer, if cached: empty when not known, else the device (or empty for none).
     */
    public Optional<Optional<String>> reservationIfCached(final String clientId) {
        final String device = reservations.getIfPresent(clientId);
        return device == null ? Optional.empty() :
                Optional.of(device.equals(UNBOUND) ? Optional.empty() : Optional.of(device));
    }

    /**
     * Forgets every known owner of a client id, after bindings were deleted as unused: a cached owner must not
     * outlive its row (another principal may bind the id now). The next CONNECT of each reads its owner again.
     */
    public void forgetClientIdOwners() {
        clientIdOwners.invalidateAll();
        for (final CachedPrincipal entry : principals.asMap().values()) {
            entry.unbind();
        }
    }

    /** A known principal without asking the DB; empty when not cached (or cached as unknown). */
    public Optional<CachedPrincipal> principalIfCached(final LoginName login) {
        final CachedPrincipal cached = principals.getIfPresent(login.lookupKey());
        return cached == null || cached.isUnknown() || !isCurrent(cached) ? Optional.empty() : Optional.of(cached);
    }

    /** True when this password is remembered as matching; false means "not known", not "wrong". */
    public boolean verifiedIfCached(final CachedPrincipal entry, final String password) {
        return rememberPasswords && entry.verifiedAs(digest(entry.record(), password));
    }

    /** The plan, if cached and no change overtook it. */
    public Optional<AccessPlan> planIfCached(final CachedPrincipal entry) {
        final long readAt = entry.planReadAt();
        final AccessPlan plan = entry.plan();
        // read in this order: a plan written after readAt was read is newer than readAt says, never older
        return plan != null && isCurrent(entry, plan, readAt) ? Optional.of(plan) : Optional.empty();
    }

    /** The owner of a client id, if cached. */
    public Optional<String> clientIdOwnerIfCached(final CachedPrincipal entry, final String clientId) {
        if (entry.isBoundTo(clientId)) {
            return Optional.of(entry.record().principal().key());
        }
        final String owner = clientIdOwners.getIfPresent(clientId);
        return owner == null || owner.equals(UNBOUND) ? Optional.empty() : Optional.of(owner);
    }

    /**
     * Forgets everything about the changed principals and the plans of users paired to the changed devices. With
     * rows added, also forgets every "no such username", since an insert may have created one; a resync forgets all.
     */
    public void invalidate(final ChangeSet changes) {
        if (changes.isEmpty()) {
            return;
        }
        // numbered first: a load or CONNECT that read before it is found stale from here on
        clock.record(changes);
        invalidateNow(changes);
        // once more when every load that began before the change has landed (its result may have missed this walk)
        CompletableFuture.delayedExecutor(horizon.toNanos(), TimeUnit.NANOSECONDS)
                .execute(() -> invalidateNow(changes));
    }

    private void invalidateNow(final ChangeSet changes) {
        if (changes.all()) {
            principals.invalidateAll();
            clientIdOwners.invalidateAll();
            reservations.invalidateAll();
            return;
        }
        // a device added, deleted or given another MAC or uid: its old ids are free, its new ones reserved
        if (changes.principalKeys().stream().anyMatch(key -> key.startsWith("device:"))) {
            reservations.asMap().values().removeIf(device -> device.equals(UNBOUND) ||
                    changes.principalKeys().contains(device));
        }
        invalidate(changes.principalKeys(), changes.deviceIds(), changes.rowsAdded());
    }

    private void invalidate(final Set<String> principalKeys, final Set<Long> deviceIds, final boolean rowsAdded) {
        if (principalKeys.isEmpty() && deviceIds.isEmpty() && !rowsAdded) {
            return;
        }
        principals.asMap().values().removeIf(entry -> entry.isUnknown() ? rowsAdded :
                principalKeys.contains(entry.record().principal().key()));
        if (!deviceIds.isEmpty()) {
            for (final CachedPrincipal entry : principals.asMap().values()) {
                if (!entry.isUnknown()) {
                    // waits for a plan load in progress, which may have read the pairings before the change
                    synchronized (entry) {
                        final AccessPlan plan = entry.plan();
                        if (plan != null && plan.pairsAnyOf(deviceIds)) {
                            entry.plan(null, 0);
                        }
                    }
                }
            }
        }
        // a deleted principal's client ids are freed in the DB (ON DELETE CASCADE)
        clientIdOwners.asMap().values().removeIf(principalKeys::contains);
    }

    private CredentialDigest digest(final PrincipalRecord record, final String password) {
        final Mac mac = macs.get();
        final String hash = record.passwordHash();
        mac.update((hash == null ? "" : hash).getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        final ByteBuffer digest = ByteBuffer.wrap(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        return new CredentialDigest(digest.getLong(), digest.getLong());
    }

    /** A single-flight load; a failure is not cached, so the next attempt asks the DB again. */
    private static <K, V> V get(final Cache<K, V> cache, final K key, final Load<V> load)
            throws AccountStoreUnavailableException {
        try {
            return cache.get(key, k -> {
                try {
                    return load.load();
                } catch (final AccountStoreUnavailableException e) {
                    throw new CompletionException(e);
                }
            });
        } catch (final CompletionException e) {
            throw unavailableOr(e);
        }
    }

    private static RuntimeException unavailableOr(final CompletionException e) throws AccountStoreUnavailableException {
        if (e.getCause() instanceof AccountStoreUnavailableException unavailable) {
            throw unavailable;
        }
        return e;
    }
}
