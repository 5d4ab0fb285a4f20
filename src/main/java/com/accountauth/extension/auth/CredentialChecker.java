package com.accountauth.extension.auth;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.principal.PrincipalLoader;
import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.cache.CachedPrincipal;
import com.accountauth.extension.cache.ClientIdUses;
import com.accountauth.extension.config.ClientIdSettings;
import com.accountauth.extension.db.AccountStore;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ClientIdOwner;
import com.accountauth.extension.db.DbHealth;
import com.accountauth.extension.identity.ClientIdPattern;
import com.accountauth.extension.identity.LoginMode;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.metrics.HitCounter;
import com.accountauth.extension.password.PasswordUpgrade;
import com.accountauth.extension.password.PasswordVerifier;
import com.accountauth.extension.util.LogSafe;

import java.util.Map;
import java.util.Optional;

/**
 * Decides one CONNECT: look the principal up, check the password hash, then its state, then its client id, then
 * plan its access. Blocks on the DB and on the hash check, so it runs on the authentication workers, unless every
 * fact is cached. Every path that refuses before a real check spends a dummy one of the kind's target format, so an
 * unknown username costs the same as a wrong password. A grant whose password was checked against a hash weaker
 * than its kind's target carries the upgrade, for after the client is answered (when upgrade on login is on). A
 * grant carries the change generation its facts were read at, so a change that lands before the grant is registered
 * is noticed ({@link #stillCurrent}).
 * <p>
 * Client ids: a device's own MAC and uid are the device's whoever bound them first, and nobody else's; any other id
 * belongs to the principal that bound it first. A binding in use is marked used in batches ({@link ClientIdUses}),
 * so unused ones can expire. While the DB cannot be reached, a grant from cached facts is given only for the outage
 * grace ({@link DbHealth}).
 * <p>
 * The client-id rules and upgrade on login may be swapped by a config reload ({@link #useClientIds},
 * {@link #useUpgradeOnLogin}); a decision reads the rules once, so it is all of one version.
 */
public final class CredentialChecker {

    private final PrincipalLoader loader;
    private final AccountStore repository;
    private final PasswordVerifier verifier;
    private final AccessCaches caches;
    private volatile ClientIdSettings clientIds;
    private final DbHealth health;
    private final ClientIdUses uses;
    private volatile boolean upgradeOnLogin;
    // per fact a decision asked for: a hit when the caches knew it, a miss when this CONNECT loaded or checked it
    private final HitCounter principalHits;
    private final HitCounter credentialHits;
    private final HitCounter planHits;
    private final HitCounter ownerHits;
    private final HitCounter reservationHits;

    /** @param upgradeOnLogin {@code <passwords><upgrade-on-login>}: grants carry the upgrades of weak hashes */
    public CredentialChecker(final PrincipalLoader loader, final AccountStore repository,
                             final PasswordVerifier verifier, final AccessCaches caches,
                             final ClientIdSettings clientIds, final DbHealth health, final ClientIdUses uses,
                             final boolean upgradeOnLogin) {
        this(loader, repository, verifier, caches, clientIds, health, uses, upgradeOnLogin, ExtensionMetrics.unread());
    }

    /** @param metrics gets {@code cache.<name>.hits} and {@code .misses} for each fact a decision asks for */
    public CredentialChecker(final PrincipalLoader loader, final AccountStore repository,
                             final PasswordVerifier verifier, final AccessCaches caches,
                             final ClientIdSettings clientIds, final DbHealth health, final ClientIdUses uses,
                             final boolean upgradeOnLogin, final ExtensionMetrics metrics) {
        this.principalHits = metrics.hitCounter("principals");
        this.credentialHits = metrics.hitCounter("credentials");
        this.planHits = metrics.hitCounter("plans");
        this.ownerHits = metrics.hitCounter("client-id-owners");
        this.reservationHits = metrics.hitCounter("reservations");
        this.loader = loader;
        this.repository = repository;
        this.verifier = verifier;
        this.caches = caches;
        this.clientIds = clientIds;
        this.health = health;
        this.uses = uses;
        this.upgradeOnLogin = upgradeOnLogin;
    }

    /** Takes over reloaded client-id rules for every CONNECT decided from now on. */
    public void useClientIds(final ClientIdSettings next) {
        clientIds = next;
    }

    /** Takes over a reloaded {@code <passwords><upgrade-on-login>}. */
    public void useUpgradeOnLogin(final boolean next) {
        upgradeOnLogin = next;
    }

    /**
     * Why a connected client would now be refused at CONNECT by what a reload may tighten: its client id's length
     * or pattern, or (when it logged in with its password) the format or cost of its stored hash. The refresher
     * disconnects it then. Empty when it would be admitted as far as these go. Needs no DB and no hash check.
     */
    public Optional<String> refusalOfConnected(final PrincipalRecord record, final String clientId,
                                               final boolean byPassword) {
        final ClientIdSettings ids = clientIds;
        final Optional<String> tooLong = lengthProblem(ids, clientId);
        if (tooLong.isPresent()) {
            return tooLong;
        }
        final Optional<String> pattern = patternMismatch(ids, record, clientId);
        if (pattern.isPresent()) {
            return pattern;
        }
        return byPassword ? verifier.unusableHashReason(record.principal().kind(), record.passwordHash())
                .map(reason -> record + ": " + reason) : Optional.empty();
    }

    /**
     * Decides from the caches alone, on the caller's thread, when every fact the decision needs is cached: the
     * principal, its verified password, its client id's owner and its plan (a reconnect). Empty when any of them
     * must come from the DB or bcrypt, including every refusal of an unknown user or a wrong password, which must cost
     * a bcrypt check: then {@link #check} decides on a worker. Never blocks.
     */
    public Optional<Verdict> checkWithoutBlocking(final Optional<String> username, final byte[] rawPassword,
                                                  final String clientId) {
        final ClientIdSettings ids = clientIds;
        final Optional<Verdict> tooLong = tooLong(ids, clientId);
        if (tooLong.isPresent()) {
            return tooLong;
        }
        final Optional<LoginName> login = UsernameParser.parse(username.orElse(null));
        final Optional<String> password = PasswordVerifier.acceptablePassword(rawPassword);
        if (login.isEmpty() || password.isEmpty()) {
            return Optional.empty();
        }
        return fromCache(ids, login.get(), password.get(), LoginMode.PASSWORD, clientId);
    }

    /**
     * {@link #checkWithoutBlocking} for a certificate login: the device its certificate names (already matched
     * with the username, {@code CertificateLogin}), and in certificate-and-password mode the password. Never blocks.
     */
    public Optional<Verdict> checkCertificateWithoutBlocking(final LoginName device, final LoginMode mode,
                                                             final byte[] rawPassword, final String clientId) {
        final ClientIdSettings ids = clientIds;
        final Optional<Verdict> tooLong = tooLong(ids, clientId);
        if (tooLong.isPresent()) {
            return tooLong;
        }
        final Optional<String> password = PasswordVerifier.acceptablePassword(rawPassword);
        if (mode.needsPassword() && password.isEmpty()) {
            return Optional.empty();
        }
        return fromCache(ids, device, mode.needsPassword() ? password.get() : null, mode, clientId);
    }

    private Optional<Verdict> fromCache(final ClientIdSettings ids, final LoginName login, final String password,
                                        final LoginMode mode, final String clientId) {
        final long readAt = caches.now();
        return cachedFacts(ids, login, password, mode, clientId)
                .map(facts -> decideOrUnavailable(ids, login, password, mode, clientId, facts, readAt));
    }

    /**
     * Decides, asking the DB and bcrypt where the caches do not know; blocks, so only on the workers.
     *
     * @param username    the CONNECT's username, if any
     * @param rawPassword the CONNECT's password bytes, or null when it had none
     * @param clientId    the client id the connection will use
     */
    public Verdict check(final Optional<String> username, final byte[] rawPassword, final String clientId) {
        final ClientIdSettings ids = clientIds;
        final Optional<Verdict> tooLong = tooLong(ids, clientId);
        if (tooLong.isPresent()) {
            return tooLong.get();
        }
        final Optional<LoginName> login = UsernameParser.parse(username.orElse(null));
        final Optional<String> password = PasswordVerifier.acceptablePassword(rawPassword);
        if (login.isEmpty()) {
            verifier.burnDummyCheck(Principal.Kind.USER, password.orElse(""));
            return refused(Refusal.BAD_CREDENTIALS, "username (" + username.map(String::length).orElse(0) +
                    " chars, not logged: it may be a password) is neither a MAC address nor an email address");
        }
        if (password.isEmpty()) {
            verifier.burnDummyCheck(dummyKind(login.get()), "");
            return refused(Refusal.BAD_CREDENTIALS, "password of " + LogSafe.of(login.get().lookupKey()) +
                    " is missing, empty, over " + PasswordVerifier.MAX_PASSWORD_BYTES +
                    " bytes, holds NUL or is not UTF-8");
        }
        final long readAt = caches.now();
        return decideOrUnavailable(ids, login.get(), password.get(), LoginMode.PASSWORD, clientId,
                new LoadingFacts(ids, clientId), readAt);
    }

    /**
     * {@link #check} for a certificate login: the device its certificate names and, in certificate-and-password
     * mode, the password. In certificate mode no password is checked, for a known device or an unknown one alike
     * (one look-up each); blocks, so only on the workers.
     */
    public Verdict checkCertificate(final LoginName device, final LoginMode mode, final byte[] rawPassword,
                                    final String clientId) {
        final ClientIdSettings ids = clientIds;
        final Optional<Verdict> tooLong = tooLong(ids, clientId);
        if (tooLong.isPresent()) {
            return tooLong.get();
        }
        final Optional<String> password = PasswordVerifier.acceptablePassword(rawPassword);
        if (mode.needsPassword() && password.isEmpty()) {
            verifier.burnDummyCheck(Principal.Kind.DEVICE, "");
            return refused(Refusal.BAD_CREDENTIALS, "password of " + LogSafe.of(device.lookupKey()) +
                    " is missing, empty, over " + PasswordVerifier.MAX_PASSWORD_BYTES +
                    " bytes, holds NUL or is not UTF-8");
        }
        final long readAt = caches.now();
        return decideOrUnavailable(ids, device, mode.needsPassword() ? password.get() : null, mode, clientId,
                new LoadingFacts(ids, clientId), readAt);
    }

    /**
     * A client id longer than the {@code client_ids} column would make the binding fail as a DB error (0x88): refused
     * as not valid instead, before any DB work or bcrypt (it tells nothing about the credentials).
     */
    private static Optional<Verdict> tooLong(final ClientIdSettings ids, final String clientId) {
        return lengthProblem(ids, clientId).map(problem -> refused(Refusal.CLIENT_ID_NOT_VALID, problem));
    }

    private static Optional<String> lengthProblem(final ClientIdSettings ids, final String clientId) {
        final int length = clientId.codePointCount(0, clientId.length());
        if (length <= ids.maxLength()) {
            return Optional.empty();
        }
        return Optional.of("client id " + LogSafe.of(clientId) + " is " + length +
                " characters long, over <client-ids><max-length> " + ids.maxLength());
    }

    private static Optional<String> patternMismatch(final ClientIdSettings ids, final PrincipalRecord record,
                                                    final String clientId) {
        final Optional<ClientIdPattern> pattern = record.isDevice() ? ids.devicePattern() : ids.accountPattern();
        if (pattern.isPresent() && !pattern.get().matches(clientId, clientIdValues(record))) {
            return Optional.of(record + " presented client id " + LogSafe.of(clientId) + ", which does not match " +
                    pattern.get());
        }
        return Optional.empty();
    }

    /**
     * True when nothing the granted verdict rests on changed since it was read. Asked once the grant is registered
     * (where live changes reach it): a change that landed in between is caught here, one after it by the refresher.
     */
    public boolean stillCurrent(final Verdict.Granted granted) {
        return caches.stillCurrent(granted.record().principal().key(), granted.plan(), granted.readAt());
    }

    private Verdict decideOrUnavailable(final ClientIdSettings ids, final LoginName login, final String password,
                                        final LoginMode mode, final String clientId, final Facts facts,
                                        final long readAt) {
        try {
            return decide(ids, login, password, mode, clientId, facts, readAt);
        } catch (final AccountStoreUnavailableException e) {
            return refused(Refusal.UNAVAILABLE, "account DB unavailable: " + e.getMessage());
        }
    }

    /**
     * The decision, once per CONNECT: guard clauses in the order the client learns of them. {@code password} is null
     * in certificate mode, where the certificate (checked by the broker, matched by {@code CertificateLogin}) is
     * the proof.
     */
    private Verdict decide(final ClientIdSettings clientIds, final LoginName login, final String password,
                           final LoginMode mode, final String clientId, final Facts facts, final long readAt)
            throws AccountStoreUnavailableException {
        final Optional<CachedPrincipal> found = facts.principal(login);
        if (found.isEmpty()) {
            if (mode.needsPassword()) {
                verifier.burnDummyCheck(dummyKind(login), password);
            }
            return refused(Refusal.BAD_CREDENTIALS, "unknown " +
                    (login.kind() == LoginName.Kind.DEVICE ? "device " : "account ") + LogSafe.of(login.lookupKey()));
        }
        final CachedPrincipal entry = found.get();
        final PrincipalRecord record = entry.record();
        if (mode.needsCertificate() && !record.isDevice()) {
            // a certificate's login is always a MAC, so this is a device row; kept so that no change elsewhere
            // ever lets an account in by certificate
            return refused(Refusal.BAD_CREDENTIALS, record + ": only devices log in by certificate");
        }
        if (mode.needsPassword() && !facts.passwordMatches(entry, password)) {
            return refused(Refusal.BAD_CREDENTIALS,
                    record + ": " + verifier.unusableHashReason(record.principal().kind(), record.passwordHash())
                            .orElse("wrong password"));
        }
        if (!record.enabled()) {
            return refused(Refusal.NOT_AUTHORIZED, record + " is disabled");
        }
        if (record.roleProblem().isPresent()) {
            return refused(Refusal.NOT_AUTHORIZED, record + " has " + record.roleProblem().get());
        }
        final Optional<String> mismatch = patternMismatch(clientIds, record, clientId);
        if (mismatch.isPresent()) {
            return refused(Refusal.CLIENT_ID_NOT_VALID, mismatch.get());
        }
        final boolean ownDeviceId = clientIds.reserveDeviceIds() && isOwnDeviceId(record, clientId);
        if (clientIds.reserveDeviceIds() && !ownDeviceId) {
            final Optional<String> reservedTo = facts.reservation(clientId);
            if (reservedTo.isPresent() && !reservedTo.get().equals(record.principal().key())) {
                return refused(Refusal.CLIENT_ID_NOT_VALID, record + " presented client id " + LogSafe.of(clientId) +
                        ", which is the MAC or uid of " + reservedTo.get() + " and reserved to it");
            }
        }
        // a device's own id is its own whoever bound it first: a squatter's binding never locks the device out
        if (clientIds.bindToPrincipal() && !ownDeviceId) {
            final Optional<String> owner = facts.clientIdOwner(entry);
            if (owner.isEmpty()) {
                return refused(Refusal.UNAVAILABLE, "the owner of client id " + LogSafe.of(clientId) +
                        " could not be read back after binding it");
            }
            if (!owner.get().equals(record.principal().key())) {
                return refused(Refusal.CLIENT_ID_NOT_VALID, record + " presented client id " + LogSafe.of(clientId) +
                        ", which belongs to " + owner.get());
            }
        }
        final AccessPlan plan = facts.plan(entry);
        if (health.pastGrace()) {
            return refused(Refusal.UNAVAILABLE, "the account DB has been unreachable for " + health.outageSeconds() +
                    " s, past <outage-grace-seconds>: " + record + " is not admitted from the cache");
        }
        if (clientIds.expires() && !ownDeviceId) {
            uses.used(clientId);
        }
        return new Verdict.Granted(record, plan, readAt, facts.upgrade(entry, password));
    }

    /** Whose target an unknown login's dummy check costs: an email may be a user's or a service's; users are many. */
    private static Principal.Kind dummyKind(final LoginName login) {
        return login.kind() == LoginName.Kind.DEVICE ? Principal.Kind.DEVICE : Principal.Kind.USER;
    }

    /** Whether the client id is the device's own MAC (in any form a MAC username may take) or uid. */
    public static boolean isOwnDeviceId(final PrincipalRecord record, final String clientId) {
        return record.isOwnDeviceId(clientId);
    }

    /** Where the decision gets its facts: the caches backed by the DB and bcrypt, or facts already cached. */
    private interface Facts {
        Optional<CachedPrincipal> principal(LoginName login) throws AccountStoreUnavailableException;

        boolean passwordMatches(CachedPrincipal entry, String password) throws AccountStoreUnavailableException;

        Optional<String> clientIdOwner(CachedPrincipal entry) throws AccountStoreUnavailableException;

        Optional<String> reservation(String clientId) throws AccountStoreUnavailableException;

        AccessPlan plan(CachedPrincipal entry) throws AccountStoreUnavailableException;

        /** The upgrade of the hash this CONNECT's password was checked against now; empty if none is due. */
        default Optional<PasswordUpgrade> upgrade(final CachedPrincipal entry, final String password) {
            return Optional.empty();
        }
    }

    /** The facts of a reconnect, all found in the caches; empty when any is missing. */
    private Optional<Facts> cachedFacts(final ClientIdSettings clientIds, final LoginName login,
                                        final String password, final LoginMode mode, final String clientId) {
        final Optional<CachedPrincipal> entry = caches.principalIfCached(login);
        if (entry.isEmpty() || mode.needsPassword() && !caches.verifiedIfCached(entry.get(), password)) {
            return Optional.empty();
        }
        // a password remembered as verified under a policy a reload has tightened since (a format no longer
        // allowed, a lower bound) is judged again on a worker; reading the hash costs no check
        if (mode.needsPassword() && verifier.unusableHashReason(entry.get().record().principal().kind(),
                entry.get().record().passwordHash()).isPresent()) {
            return Optional.empty();
        }
        final boolean ownDeviceId = clientIds.reserveDeviceIds() && isOwnDeviceId(entry.get().record(), clientId);
        final Optional<String> owner = clientIds.bindToPrincipal() && !ownDeviceId ?
                caches.clientIdOwnerIfCached(entry.get(), clientId) : Optional.of("");
        final Optional<Optional<String>> reservation = clientIds.reserveDeviceIds() && !ownDeviceId ?
                caches.reservationIfCached(clientId) : Optional.of(Optional.empty());
        final Optional<AccessPlan> plan = caches.planIfCached(entry.get());
        if (owner.isEmpty() || reservation.isEmpty() || plan.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Facts() {
            @Override
            public Optional<CachedPrincipal> principal(final LoginName name) {
                principalHits.count(true);
                return entry;
            }

            @Override
            public boolean passwordMatches(final CachedPrincipal principal, final String presented) {
                credentialHits.count(true);
                return true;
            }

            @Override
            public Optional<String> clientIdOwner(final CachedPrincipal principal) {
                ownerHits.count(true);
                return owner;
            }

            @Override
            public Optional<String> reservation(final String presented) {
                reservationHits.count(true);
                return reservation.get();
            }

            @Override
            public AccessPlan plan(final CachedPrincipal principal) {
                planHits.count(true);
                return plan.get();
            }
        });
    }

    /** Facts from the caches, loaded from the DB and checked with bcrypt where the caches do not know. */
    private final class LoadingFacts implements Facts {

        private final ClientIdSettings clientIds;
        private final String clientId;
        private boolean checked;

        LoadingFacts(final ClientIdSettings clientIds, final String clientId) {
            this.clientIds = clientIds;
            this.clientId = clientId;
        }

        @Override
        public Optional<CachedPrincipal> principal(final LoginName login) throws AccountStoreUnavailableException {
            // single-flight per login: only the CONNECT that loads the row learns its client id's owner from it
            final boolean[] loaded = {false};
            final Optional<CachedPrincipal> found = caches.principal(login, readAt -> {
                loaded[0] = true;
                return loader.find(login, clientId).map(row -> {
                    // only when this CONNECT asks for it: a device's own id needs no reservation, nor its entry
                    if (clientIds.reserveDeviceIds() && !isOwnDeviceId(row.record(), clientId)) {
                        row.clientIdOwner().flatMap(ClientIdOwner::reservation)
                                .ifPresent(device -> caches.reserved(clientId, device, readAt));
                    }
                    return caches.entry(row.record(),
                            clientIds.bindToPrincipal() ? row.clientIdOwner() : Optional.empty(), readAt);
                });
            });
            principalHits.count(!loaded[0]);
            return found;
        }

        @Override
        public boolean passwordMatches(final CachedPrincipal entry, final String password)
                throws AccountStoreUnavailableException {
            final PrincipalRecord record = entry.record();
            if (verifier.unusableHashReason(record.principal().kind(), record.passwordHash()).isPresent()) {
                // remembered as a match, perhaps, but under a policy a reload has tightened since: refused at the
                // cost of a dummy check, as at a first CONNECT
                credentialHits.count(false);
                return verifier.verify(record.principal().kind(), password, record.passwordHash());
            }
            final boolean matches = caches.verified(entry, password, () -> {
                checked = true; // this CONNECT ran the check (not one it waited for): only it may upgrade
                return verifier.verify(record.principal().kind(), password, record.passwordHash());
            });
            credentialHits.count(!checked);
            return matches;
        }

        @Override
        public Optional<PasswordUpgrade> upgrade(final CachedPrincipal entry, final String password) {
            final PrincipalRecord record = entry.record();
            if (!upgradeOnLogin || !checked || !verifier.needsUpgrade(record.principal().kind(),
                    record.passwordHash())) {
                return Optional.empty();
            }
            return Optional.of(new PasswordUpgrade(record.principal(), record.passwordHash(), password));
        }

        @Override
        public Optional<String> clientIdOwner(final CachedPrincipal entry) throws AccountStoreUnavailableException {
            final Principal principal = entry.record().principal();
            final boolean[] loaded = {false};
            final Optional<String> owner = caches.clientIdOwner(entry, clientId, knownUnbound -> {
                loaded[0] = true;
                return repository.bindClientId(clientId, principal.kind() == Principal.Kind.DEVICE, principal.id(),
                        knownUnbound);
            });
            ownerHits.count(!loaded[0]);
            return owner;
        }

        @Override
        public Optional<String> reservation(final String presented) throws AccountStoreUnavailableException {
            final boolean[] loaded = {false};
            final Optional<String> device = caches.reservation(presented, () -> {
                loaded[0] = true;
                return repository.deviceReservingClientId(presented);
            });
            reservationHits.count(!loaded[0]);
            return device;
        }

        @Override
        public AccessPlan plan(final CachedPrincipal entry) throws AccountStoreUnavailableException {
            final boolean[] loaded = {false};
            final AccessPlan plan = caches.plan(entry, () -> {
                loaded[0] = true;
                return loader.plan(entry.record());
            });
            planHits.count(!loaded[0]);
            return plan;
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
