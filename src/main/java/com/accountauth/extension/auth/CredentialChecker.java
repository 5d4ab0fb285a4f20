package com.accountauth.extension.auth;

import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.config.ClientIdSettings;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.identity.ClientIdPattern;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.PasswordVerifier;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.identity.UsernameParser;

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
     * @param username    the CONNECT's username, if any
     * @param rawPassword the CONNECT's password bytes, or null when it had none
     * @param clientId    the client id the connection will use
     */
    public Verdict check(final Optional<String> username, final byte[] rawPassword, final String clientId) {
        final Optional<LoginName> login = UsernameParser.parse(username.orElse(null));
        final Optional<String> password = PasswordVerifier.acceptablePassword(rawPassword);
        if (login.isEmpty()) {
            verifier.burnDummyCheck(password.orElse(""));
            return refused(Refusal.BAD_CREDENTIALS, "username " + LogSafe.of(username.orElse(null)) +
                    " is neither a MAC address nor an email address");
        }
        if (password.isEmpty()) {
            verifier.burnDummyCheck("");
            return refused(Refusal.BAD_CREDENTIALS, "password of " + LogSafe.of(login.get().lookupKey()) +
                    " is missing, empty, over " + PasswordVerifier.MAX_PASSWORD_BYTES +
                    " bytes, holds NUL or is not UTF-8");
        }
        try {
            return check(login.get(), password.get(), clientId);
        } catch (final AccountStoreUnavailableException e) {
            return refused(Refusal.UNAVAILABLE, "account DB unavailable: " + e.getMessage());
        }
    }

    private Verdict check(final LoginName login, final String password, final String clientId)
            throws AccountStoreUnavailableException {
        final Optional<PrincipalRecord> found = caches.principal(login, () -> loader.find(login));
        if (found.isEmpty()) {
            verifier.burnDummyCheck(password);
            return refused(Refusal.BAD_CREDENTIALS, "unknown " +
                    (login.kind() == LoginName.Kind.DEVICE ? "device " : "account ") + LogSafe.of(login.lookupKey()));
        }
        final PrincipalRecord record = found.get();
        final String hash = record.passwordHash().orElse(null);
        if (!caches.verified(record, password, () -> verifier.verify(password, hash))) {
            return refused(Refusal.BAD_CREDENTIALS,
                    record + ": " + verifier.unusableHashReason(hash).orElse("wrong password"));
        }
        if (!record.enabled()) {
            return refused(Refusal.NOT_AUTHORIZED, record + " is disabled");
        }
        if (record.roleProblem().isPresent()) {
            return refused(Refusal.NOT_AUTHORIZED, record + " has " + record.roleProblem().get());
        }
        final Optional<ClientIdPattern> pattern = record.device().isPresent() ?
                clientIds.devicePattern() : clientIds.accountPattern();
        if (pattern.isPresent() && !pattern.get().matches(clientId, clientIdValues(record))) {
            return refused(Refusal.CLIENT_ID_NOT_VALID, record + " presented client id " + LogSafe.of(clientId) +
                    ", which does not match " + pattern.get());
        }
        if (clientIds.bindToPrincipal()) {
            final Principal principal = record.principal();
            final Optional<String> owner = caches.clientIdOwner(clientId, () ->
                    repository.bindClientId(clientId, principal.kind() == Principal.Kind.DEVICE, principal.id()));
            if (owner.isEmpty()) {
                return refused(Refusal.UNAVAILABLE, "the owner of client id " + LogSafe.of(clientId) +
                        " could not be read back after binding it");
            }
            if (!owner.get().equals(principal.key())) {
                return refused(Refusal.CLIENT_ID_NOT_VALID, record + " presented client id " + LogSafe.of(clientId) +
                        ", which belongs to " + owner.get());
            }
        }
        return new Verdict.Granted(record, caches.plan(record.principal(), () -> loader.plan(record)));
    }

    private static Map<String, String> clientIdValues(final PrincipalRecord record) {
        final Principal principal = record.principal();
        return record.device().isPresent() ?
                Map.of("mac", principal.name(), "uid", String.valueOf(record.device().get().uid())) :
                Map.of("id", Long.toString(principal.id()), "email", principal.name());
    }

    private static Verdict refused(final Refusal reason, final String explanation) {
        return new Verdict.Refused(reason, explanation);
    }
}
