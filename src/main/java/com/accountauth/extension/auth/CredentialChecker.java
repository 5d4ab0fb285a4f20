package com.accountauth.extension.auth;

import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.cache.CachedPrincipal;
import com.accountauth.extension.config.ClientIdSettings;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.identity.ClientIdPattern;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.PasswordVerifier;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.util.LogSafe;

import java.util.Map;
import java.util.Optional;

/**
 * Decides one CONNECT: look the principal up, check the bcrypt hash, then its state, then its client id, then plan
 * its access. Blocks on the DB and on bcrypt, so it only ever runs on the authentication workers. Every path that
 * refuses before a real bcrypt check spends a dummy one, so an unknown username costs the same as a wrong password.
 */
public final class CredentialChecker {

    private final PrincipalLoader loader;
    private final AccountRepository repository;
    private final PasswordVerifier verifier;
    private final AccessCaches caches;
    private final ClientIdSettings clientIds;

    public CredentialChecker(final PrincipalLoader loader, final AccountRepository repository,
                             final PasswordVerifier verifier, final AccessCaches caches,
                             final ClientIdSettings clientIds) {
        this.loader = loader;
        this.repository = repository;
        this.verifier = verifier;
        this.caches = caches;
        this.clientIds = clientIds;
    }

    /**
     * Decides from the caches alone, without blocking: for a reconnect whose principal, verified password, client-id
     * owner and plan are all cached. Empty when anything would need the DB or bcrypt (including every refusal of
     * an unknown user or wrong password, which must cost a bcrypt check).
     */
    public Optional<Verdict> checkWithoutBlocking(final Optional<String> username, final byte[] rawPassword,
                                                  final String clientId) {
        final Optional<LoginName> login = UsernameParser.parse(username.orElse(null));
        final Optional<String> password = PasswordVerifier.acceptablePassword(rawPassword);
        if (login.isEmpty() || password.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(check(login.get(), password.get(), clientId, cachedOnly));
        } catch (final CacheMiss | AccountStoreUnavailableException miss) {
            return Optional.empty();
        }
    }

    /**
     * Decides, asking the DB and bcrypt where the caches do not know; blocks, so only on the workers.
     *
     * @param username    the CONNECT's username, if any
     * @param rawPassword the CONNECT's password bytes, or null when it had none
     * @param clientId    the client id the connection will use
     */
    public Verdict check(final Optional<String> username, final byte[] rawPassword, final String clientId) {
        final Optional<LoginName> login = UsernameParser.parse(username.orElse(null));
        final Optional<String> password = PasswordVerifier.acceptablePassword(rawPassword);
        if (login.isEmpty()) {
            verifier.burnDummyCheck(password.orElse(""));
            return refused(Refusal.BAD_CREDENTIALS, "username (" + username.map(String::length).orElse(0) +
                    " chars, not logged: it may be a password) is neither a MAC address nor an email address");
        }
        if (password.isEmpty()) {
            verifier.burnDummyCheck("");
            return refused(Refusal.BAD_CREDENTIALS, "password of " + LogSafe.of(login.get().lookupKey()) +
                    " is missing, empty, over " + PasswordVerifier.MAX_PASSWORD_BYTES +
                    " bytes, holds NUL or is not UTF-8");
        }
        try {
            return check(login.get(), password.get(), clientId, loading);
        } catch (final AccountStoreUnavailableException e) {
            return refused(Refusal.UNAVAILABLE, "account DB unavailable: " + e.getMessage());
        }
    }

    private Verdict check(final LoginName login, final String password, final String clientId,
                          final Lookups lookups) throws AccountStoreUnavailableException {
        final Optional<CachedPrincipal> found = lookups.principal(login, clientId);
        if (found.isEmpty()) {
            lookups.burnDummyCheck(password);
            return refused(Refusal.BAD_CREDENTIALS, "unknown " +
                    (login.kind() == LoginName.Kind.DEVICE ? "device " : "account ") + LogSafe.of(login.lookupKey()));
        }
        final CachedPrincipal entry = found.get();
        final PrincipalRecord record = entry.record();
        if (!lookups.verified(entry, password)) {
            return refused(Refusal.BAD_CREDENTIALS,
                    record + ": " + verifier.unusableHashReason(record.passwordHash()).orElse("wrong password"));
        }
        if (!record.enabled()) {
            return refused(Refusal.NOT_AUTHORIZED, record + " is disabled");
        }
        if (record.roleProblem().isPresent()) {
            return refused(Refusal.NOT_AUTHORIZED, record + " has " + record.roleProblem().get());
        }
        final Optional<ClientIdPattern> pattern = record.isDevice() ?
                clientIds.devicePattern() : clientIds.accountPattern();
        if (pattern.isPresent() && !pattern.get().matches(clientId, clientIdValues(record))) {
            return refused(Refusal.CLIENT_ID_NOT_VALID, record + " presented client id " + LogSafe.of(clientId) +
                    ", which does not match " + pattern.get());
        }
        if (clientIds.bindToPrincipal()) {
            final Optional<String> owner = lookups.clientIdOwner(entry, clientId);
            if (owner.isEmpty()) {
                return refused(Refusal.UNAVAILABLE, "the owner of client id " + LogSafe.of(clientId) +
                        " could not be read back after binding it");
            }
            if (!owner.get().equals(record.principal().key())) {
                return refused(Refusal.CLIENT_ID_NOT_VALID, record + " presented client id " + LogSafe.of(clientId) +
                        ", which belongs to " + owner.get());
            }
        }
        return new Verdict.Granted(record, lookups.plan(entry));
    }

    /** Where the check gets its facts: the caches backed by the DB and bcrypt, or the caches alone. */
    private interface Lookups {
        Optional<CachedPrincipal> principal(LoginName login, String clientId) throws AccountStoreUnavailableException;

        boolean verified(CachedPrincipal entry, String password) throws AccountStoreUnavailableException;

        void burnDummyCheck(String password);

        Optional<String> clientIdOwner(CachedPrincipal entry, String clientId) throws AccountStoreUnavailableException;

        AccessPlan plan(CachedPrincipal entry) throws AccountStoreUnavailableException;
    }

    private final Lookups loading = new Lookups() {
        @Override
        public Optional<CachedPrincipal> principal(final LoginName login, final String clientId)
                throws AccountStoreUnavailableException {
            // single-flight per login: only the CONNECT that loads the row learns its client id's owner from it
            return caches.principal(login, () -> loader.find(login, clientId).map(found -> caches.entry(
                    found.record(), clientIds.bindToPrincipal() ? found.clientIdOwner() : Optional.empty())));
        }

        @Override
        public boolean verified(final CachedPrincipal entry, final String password)
                throws AccountStoreUnavailableException {
            return caches.verified(entry, password, () -> verifier.verify(password, entry.record().passwordHash()));
        }

        @Override
        public void burnDummyCheck(final String password) {
            verifier.burnDummyCheck(password);
        }

        @Override
        public Optional<String> clientIdOwner(final CachedPrincipal entry, final String clientId)
                throws AccountStoreUnavailableException {
            final Principal principal = entry.record().principal();
            return caches.clientIdOwner(entry, clientId, knownUnbound -> repository.bindClientId(clientId,
                    principal.kind() == Principal.Kind.DEVICE, principal.id(), knownUnbound));
        }

        @Override
        public AccessPlan plan(final CachedPrincipal entry) throws AccountStoreUnavailableException {
            return caches.plan(entry, () -> loader.plan(entry.record()));
        }
    };

    private final Lookups cachedOnly = new Lookups() {
        @Override
        public Optional<CachedPrincipal> principal(final LoginName login, final String clientId) {
            return Optional.of(caches.principalIfCached(login).orElseThrow(CacheMiss::new));
        }

        @Override
        public boolean verified(final CachedPrincipal entry, final String password) {
            if (!caches.verifiedIfCached(entry, password)) {
                throw new CacheMiss();
            }
            return true;
        }

        @Override
        public void burnDummyCheck(final String password) {
            throw new CacheMiss();
        }

        @Override
        public Optional<String> clientIdOwner(final CachedPrincipal entry, final String clientId) {
            return Optional.of(caches.clientIdOwnerIfCached(entry, clientId).orElseThrow(CacheMiss::new));
        }

        @Override
        public AccessPlan plan(final CachedPrincipal entry) {
            return caches.planIfCached(entry).orElseThrow(CacheMiss::new);
        }
    };

    /** The caches alone cannot decide: the check goes to the workers. */
    private static final class CacheMiss extends RuntimeException {
        CacheMiss() {
            super(null, null, false, false);
        }
    }

    private static Map<String, String> clientIdValues(final PrincipalRecord record) {
        final Principal principal = record.principal();
        return record.isDevice() ?
                Map.of("mac", principal.name(), "uid", String.valueOf(record.device().uid())) :
                Map.of("id", Long.toString(principal.id()), "email", principal.name());
    }

    private static Verdict refused(final Refusal reason, final String explanation) {
        return new Verdict.Refused(reason, explanation);
    }
}
