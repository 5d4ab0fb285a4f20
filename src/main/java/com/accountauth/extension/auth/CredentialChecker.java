package com.accountauth.extension.auth;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.AccountRow;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.DeviceRow;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.PasswordVerifier;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.identity.UsernameParser;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides one CONNECT from its username and password: look the principal up, check the bcrypt hash, then its state,
 * then plan its permissions. Blocks on the DB and on bcrypt, so it only ever runs on the authentication workers.
 * Every path that refuses before a real bcrypt check spends a dummy one, so an unknown username costs the same as a
 * wrong password.
 */
public final class CredentialChecker {

    private final AccountRepository repository;
    private final PasswordVerifier verifier;
    private final PermissionPlanner planner;

    public CredentialChecker(final AccountRepository repository, final PasswordVerifier verifier,
                             final PermissionPlanner planner) {
        this.repository = repository;
        this.verifier = verifier;
        this.planner = planner;
    }

    /**
     * @param username    the CONNECT's username, if any
     * @param rawPassword the CONNECT's password bytes, or null when it had none
     */
    public Verdict check(final Optional<String> username, final byte[] rawPassword) {
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
            return login.get().kind() == LoginName.Kind.DEVICE ?
                    checkDevice(login.get().lookupKey(), password.get()) :
                    checkAccount(login.get().lookupKey(), password.get());
        } catch (final AccountStoreUnavailableException e) {
            return refused(Refusal.UNAVAILABLE, "account DB unavailable: " + e.getMessage());
        }
    }

    private Verdict checkDevice(final String mac, final String password) throws AccountStoreUnavailableException {
        final Optional<DeviceRow> found = repository.findDevice(mac);
        if (found.isEmpty()) {
            verifier.burnDummyCheck(password);
            return refused(Refusal.BAD_CREDENTIALS, "unknown device " + LogSafe.of(mac));
        }
        final DeviceRow device = found.get();
        final String hash = device.passwordHash().orElse(null);
        if (!verifier.verify(password, hash)) {
            return refused(Refusal.BAD_CREDENTIALS, "device " + LogSafe.of(device.mac()) + ": " +
                    verifier.unusableHashReason(hash).orElse("wrong password"));
        }
        if (!device.enabled()) {
            return refused(Refusal.NOT_AUTHORIZED, "device " + LogSafe.of(device.mac()) + " is disabled");
        }
        final Permissions permissions = planner.forDevice(
                new DeviceTopicValues(device.vendor(), device.model(), device.uid(), device.mac()));
        return new Verdict.Granted(new Principal(Principal.Kind.DEVICE, device.id(), device.mac()), permissions);
    }

    private Verdict checkAccount(final String email, final String password) throws AccountStoreUnavailableException {
        final Optional<AccountRow> found = repository.findAccount(email);
        if (found.isEmpty()) {
            verifier.burnDummyCheck(password);
            return refused(Refusal.BAD_CREDENTIALS, "unknown account " + LogSafe.of(email));
        }
        final AccountRow account = found.get();
        final String hash = account.passwordHash().orElse(null);
        if (!verifier.verify(password, hash)) {
            return refused(Refusal.BAD_CREDENTIALS, "account " + LogSafe.of(account.email()) + ": " +
                    verifier.unusableHashReason(hash).orElse("wrong password"));
        }
        if (!account.enabled()) {
            return refused(Refusal.NOT_AUTHORIZED, "account " + LogSafe.of(account.email()) + " is disabled");
        }
        final String role = account.role() == null ? "" : account.role().trim().toLowerCase(Locale.ROOT);
        return switch (role) {
            case "user" -> new Verdict.Granted(new Principal(Principal.Kind.USER, account.id(), account.email()),
                    planner.forUser(repository.pairedDevices(account.id())));
            case "service" -> new Verdict.Granted(
                    new Principal(Principal.Kind.SERVICE, account.id(), account.email()), planner.forService());
            default -> refused(Refusal.NOT_AUTHORIZED, "account " + LogSafe.of(account.email()) +
                    " has unknown role " + LogSafe.of(account.role()) + " (expected 'user' or 'service')");
        };
    }

    private static Verdict refused(final Refusal reason, final String explanation) {
        return new Verdict.Refused(reason, explanation);
    }
}
