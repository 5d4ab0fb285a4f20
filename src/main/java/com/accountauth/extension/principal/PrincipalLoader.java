package com.accountauth.extension.principal;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.db.AccountStore;
import com.accountauth.extension.db.AccountRow;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ClientIdOwner;
import com.accountauth.extension.db.DeviceRow;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.util.LogSafe;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Loads principals from the account DB and plans their access; used at CONNECT and when the DB changes. */
public final class PrincipalLoader {

    private final AccountStore repository;
    // swapped by a reload of config.xml; read once per plan, so a plan is all of one config
    private volatile PermissionPlanner planner;

    public PrincipalLoader(final AccountStore repository, final PermissionPlanner planner) {
        this.repository = repository;
        this.planner = planner;
    }

    /**
     * A principal found by its login name, and who owned the CONNECT's client id when the same statement read that
     * too (see {@code <device-by-mac>} and {@code <account-by-email>}).
     */
    public record Found(PrincipalRecord record, Optional<ClientIdOwner> clientIdOwner) {
    }

    /**
     * Plans from now on with these templates (a reload of config.xml). Plans made before stay where they are until
     * the caller counts everything as changed: their stamps are older than that change.
     */
    public void usePlanner(final PermissionPlanner newPlanner) {
        planner = newPlanner;
    }

    /** The principal a login name refers to, if it exists; with the owner of {@code clientId} if its query reads it. */
    public Optional<Found> find(final LoginName login, final String clientId) throws AccountStoreUnavailableException {
        return login.kind() == LoginName.Kind.DEVICE ?
                repository.findDevice(login.lookupKey(), clientId)
                        .map(row -> new Found(device(row, login.lookupKey()), row.clientIdOwner())) :
                repository.findAccount(login.lookupKey(), clientId)
                        .map(row -> new Found(account(row, login.lookupKey()), row.clientIdOwner()));
    }

    /** The principal's current row, if it still exists. */
    public Optional<PrincipalRecord> find(final Principal principal) throws AccountStoreUnavailableException {
        return principal.kind() == Principal.Kind.DEVICE ?
                repository.findDevice(principal.id()).map(row -> device(row, principal.name())) :
                repository.findAccount(principal.id()).map(row -> account(row, principal.name()));
    }

    /**
     * A device row read without a login (the preload at start), as {@link #find(LoginName, String)} would make it for
     * a CONNECT whose username is {@code login}.
     */
    public PrincipalRecord device(final DeviceRow row, final LoginName login) {
        return device(row, login.lookupKey());
    }

    /** What the principal may do now (reads its pairings for a user). */
    public AccessPlan plan(final PrincipalRecord record) throws AccountStoreUnavailableException {
        if (record.roleProblem().isPresent()) {
            return AccessPlan.NONE;
        }
        final PermissionPlanner planner = this.planner;
        return switch (record.principal().kind()) {
            case DEVICE -> {
                final Permissions permissions = planner.forDevice(record.device());
                yield new AccessPlan(permissions,
                        planner.autoSubscriptionsForDevice(record.device(), permissions), AccessPlan.NO_DEVICES);
            }
            case USER -> {
                final List<PairedDevice> paired = repository.pairedDevices(record.principal().id());
                final Permissions permissions = planner.forUser(paired);
                yield new AccessPlan(permissions, planner.autoSubscriptionsForUser(paired, permissions),
                        paired.stream().mapToLong(PairedDevice::deviceId).toArray());
            }
            case SERVICE -> new AccessPlan(planner.forService(), List.of(), AccessPlan.NO_DEVICES);
        };
    }

    private static PrincipalRecord device(final DeviceRow row, final String knownName) {
        final String mac = same(row.mac(), knownName);
        // vendor and model repeat across thousands of devices: one copy each instead of one per cached device
        return new PrincipalRecord(new Principal(Principal.Kind.DEVICE, row.id(), mac),
                row.passwordHash().orElse(null), row.enabled(), Optional.empty(),
                new DeviceTopicValues(intern(row.vendor()), intern(row.model()), row.uid(), mac));
    }

    /** {@code known} when it is equal to {@code loaded}: one string per cached principal instead of two. */
    private static String same(final String loaded, final String known) {
        return known.equals(loaded) ? known : loaded;
    }

    private static String intern(final String value) {
        return value == null ? null : value.intern();
    }

    private static PrincipalRecord account(final AccountRow row, final String knownName) {
        final String role = row.role() == null ? "" : row.role().trim().toLowerCase(Locale.ROOT);
        final Principal.Kind kind = role.equals("service") ? Principal.Kind.SERVICE : Principal.Kind.USER;
        final Optional<String> roleProblem = role.equals("user") || role.equals("service") ? Optional.empty() :
                Optional.of("unknown role " + LogSafe.of(row.role()) + " (expected 'user' or 'service')");
        return new PrincipalRecord(new Principal(kind, row.id(), same(row.email(), knownName)),
                row.passwordHash().orElse(null), row.enabled(), roleProblem, null);
    }
}
