package com.accountauth.extension.cache;

import com.accountauth.extension.auth.AccessPlan;
import com.accountauth.extension.auth.PrincipalRecord;
import com.accountauth.extension.config.CacheSettings;
import com.accountauth.extension.db.AccountStoreUnavailableException;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The caches that make a reconnect cost no DB query and no bcrypt check: principal rows (and "no such username" for
 * a short while), verified credentials, access plans and client-id owners. Every load is single-flight: a storm of
 * clients of one principal costs one query and one bcrypt check. Live changes invalidate entries at once.
 * <p>
 * A verified credential is kept as a keyed digest (HMAC with a key made at start and never stored) of the stored
 * hash and the password, so the cache holds nothing that logs a client in, and a new hash in the DB never matches an
 * old entry.
 */
public final class AccessCaches {

    /** Never an owner key (those are {@code account:<id>} and {@code device:<id>}). */
    private static final String UNBOUND = "";

    private final Cache<LoginName, Optional<PrincipalRecord>> principals;
    private final Cache<CredentialKey, Boolean> credentials;
    private final Cache<Principal, AccessPlan> plans;
    // owner keys; UNBOUND for a client id just read without an owner, which the next bind may skip looking up
    private final Cache<String, String> clientIdOwners;
    // one Mac per thread: getInstance and init cost more than the digest itself
    private final ThreadLocal<Mac> macs;

    public AccessCaches(final CacheSettings settings) {
        final long ttlNanos = TimeUnit.SECONDS.toNanos(settings.principalTtlSeconds());
        final long unknownNanos = TimeUnit.SECONDS.toNanos(settings.unknownTtlSeconds());
        principals = Caffeine.newBuilder()
                .maximumSize(settings.maxPrincipals())
                .expireAfter(Expiry.<LoginName, Optional<PrincipalRecord>>creating(
                        (key, value) -> Duration.ofNanos(value.isPresent() ? ttlNanos : unknownNanos)))
                .build();
        credentials = Caffeine.newBuilder().maximumSize(settings.maxCredentials())
                .expireAfterWrite(Duration.ofNanos(ttlNanos)).build();
        plans = Caffeine.newBuilder().maximumSize(settings.maxPrincipals())
                .expireAfterWrite(Duration.ofNanos(ttlNanos)).build();
        clientIdOwners = Caffeine.newBuilder().maximumSize(settings.maxClientIds())
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

    /** A load that may fail because the DB is unavailable. */
    @FunctionalInterface
    public interface Load<T> {
        T load() throws AccountStoreUnavailableException;
    }

    /** The principal for a login name, loaded once however many ask at the same time. */
    public Optional<PrincipalRecord> principal(final LoginName login, final Load<Optional<PrincipalRecord>> load)
            throws AccountStoreUnavailableException {
        return get(principals, login, load);
    }

    /** True when this password matches this principal's stored hash; only matches are remembered. */
    public boolean verified(final PrincipalRecord record, final String password, final Load<Boolean> check)
            throws AccountStoreUnavailableException {
        final CredentialKey key = credentialKey(record, password);
        if (credentials.getIfPresent(key) != null) {
            return true;
        }
        // single-flight per key; a mismatch is not stored (it would only help a guesser)
        final Boolean result = get(credentials, key, () -> check.load() ? Boolean.TRUE : null);
        return result != null && result;
    }

    /** The access plan of a principal, loaded once however many ask. */
    public AccessPlan plan(final Principal principal, final Load<AccessPlan> load)
            throws AccountStoreUnavailableException {
        return get(plans, principal, load);
    }

    /** Binds a client id and answers its owner; see {@link #clientIdOwner(String, Bind)}. */
    @FunctionalInterface
    public interface Bind {
        /**
         * @param knownUnbound the client id was read without an owner just before, with its principal's row: bind
         *                     it without looking it up first
         */
        Optional<String> bind(boolean knownUnbound) throws AccountStoreUnavailableException;
    }

    /** The owner of a client id (binding it on first use), asked of the DB once. */
    public Optional<String> clientIdOwner(final String clientId, final Bind bind)
            throws AccountStoreUnavailableException {
        final String cached = clientIdOwners.getIfPresent(clientId);
        if (cached != null && !cached.equals(UNBOUND)) {
            return Optional.of(cached);
        }
        // the one who takes the UNBOUND mark away binds without a look-up; it is never left behind after a failure
        final boolean knownUnbound = cached != null && clientIdOwners.asMap().remove(clientId, UNBOUND);
        return Optional.ofNullable(get(clientIdOwners, clientId, () -> bind.bind(knownUnbound).orElse(null)));
    }

    /**
     * Remembers who owned a client id as read with a principal's row, so the CONNECT's client-id check needs no
     * query of its own. An unbound client id is only marked: the check still binds it (and reads back who won),
     * and decisions from the caches alone ({@link #clientIdOwnerIfCached}) do not see the mark.
     */
    public void clientIdOwnerRead(final ClientIdOwner read) {
        clientIdOwners.put(read.clientId(), read.ownerKey().orElse(UNBOUND));
    }

    /** A known principal without asking the DB; empty when not cached (or cached as unknown). */
    public Optional<PrincipalRecord> principalIfCached(final LoginName login) {
        final Optional<PrincipalRecord> cached = principals.getIfPresent(login);
        return cached == null ? Optional.empty() : cached;
    }

    /** True when this password is remembered as matching; false means "not known", not "wrong". */
    public boolean verifiedIfCached(final PrincipalRecord record, final String password) {
        return credentials.getIfPresent(credentialKey(record, password)) != null;
    }

    /** The plan, if cached. */
    public Optional<AccessPlan> planIfCached(final Principal principal) {
        return Optional.ofNullable(plans.getIfPresent(principal));
    }

    /** The owner of a client id, if cached. */
    public Optional<String> clientIdOwnerIfCached(final String clientId) {
        final String owner = clientIdOwners.getIfPresent(clientId);
        return owner == null || owner.equals(UNBOUND) ? Optional.empty() : Optional.of(owner);
    }

    /**
     * Forgets everything about these principals and the plans of users paired to these devices. With
     * {@code rowsAdded}, also forgets every "no such username", since an insert may have created one.
     */
    public void invalidate(final Set<String> principalKeys, final Set<Long> deviceIds, final boolean rowsAdded) {
        if (principalKeys.isEmpty() && deviceIds.isEmpty() && !rowsAdded) {
            return;
        }
        principals.asMap().entrySet().removeIf(entry -> entry.getValue()
                .map(record -> principalKeys.contains(record.principal().key()))
                .orElse(rowsAdded));
        credentials.asMap().keySet().removeIf(key -> principalKeys.contains(key.principal().key()));
        plans.asMap().entrySet().removeIf(entry -> principalKeys.contains(entry.getKey().key())
                || entry.getValue().pairedDeviceIds().stream().anyMatch(deviceIds::contains));
        // a deleted principal's client ids are freed in the DB (ON DELETE CASCADE)
        clientIdOwners.asMap().values().removeIf(principalKeys::contains);
    }

    private CredentialKey credentialKey(final PrincipalRecord record, final String password) {
        final Mac mac = macs.get();
        mac.update(record.passwordHash().orElse("").getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        final ByteBuffer digest = ByteBuffer.wrap(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        return new CredentialKey(record.principal(), digest.getLong(), digest.getLong());
    }

    /**
     * A verified credential: the principal (an instance the principal's entry holds anyway) and the first 128 bits
     * of the HMAC. Guessing a match means forging a 128-bit MAC under a key that never leaves the heap.
     */
    private record CredentialKey(Principal principal, long digestHigh, long digestLow) {
    }

    private static <K, V> V get(final Cache<K, V> cache, final K key, final Load<V> load)
            throws AccountStoreUnavailableException {
        try {
            return cache.get(key, k -> {
                try {
                    return load.load();
                } catch (final AccountStoreUnavailableException e) {
                    throw new CompletionException(e); // not cached: the next attempt asks the DB again
                }
            });
        } catch (final CompletionException e) {
            if (e.getCause() instanceof AccountStoreUnavailableException unavailable) {
                throw unavailable;
            }
            throw e;
        }
    }
}
