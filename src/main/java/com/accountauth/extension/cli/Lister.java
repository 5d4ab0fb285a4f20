package com.accountauth.extension.cli;

import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.db.AccountRow;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.DeviceRow;
import com.accountauth.extension.db.PairedAccount;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.UsernameParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code list}: a principal's row, its pairings (a user's devices, a device's users) and its bound client ids. */
final class Lister {

    private final AdminStore store;

    Lister(final AdminStore store) {
        this.store = store;
    }

    /** The lines to print; empty when the username names nobody. */
    Optional<List<String>> list(final LoginName login) throws AccountStoreUnavailableException {
        return login.kind() == LoginName.Kind.DEVICE ? device(login.lookupKey()) : account(login.lookupKey());
    }

    static Optional<LoginName> parse(final String username) {
        return UsernameParser.parse(username);
    }

    private Optional<List<String>> device(final String mac) throws AccountStoreUnavailableException {
        final Optional<DeviceRow> found = store.findDevice(mac, "");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        final DeviceRow row = found.get();
        final List<String> lines = new ArrayList<>();
        lines.add("device " + row.mac() + " (id " + row.id() + "): uid " + row.uid() + ", vendor " + row.vendor() +
                ", model " + row.model() + ", " + enabled(row.enabled()) +
                (row.passwordHash().isEmpty() ? ", no password hash" : ""));
        final List<PairedAccount> users = store.accountsPairedToDevice(row.id());
        lines.add("users: " + (users.isEmpty() ? "none" : ""));
        for (final PairedAccount user : users) {
            lines.add("  " + user.email() + " (id " + user.id() + "): " + user.role() +
                    (user.enabled() ? "" : ", account disabled"));
        }
        clientIds(lines, true, row.id());
        return Optional.of(lines);
    }

    private Optional<List<String>> account(final String email) throws AccountStoreUnavailableException {
        final Optional<AccountRow> found = store.findAccount(email, "");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        final AccountRow row = found.get();
        final List<String> lines = new ArrayList<>();
        lines.add("account " + row.email() + " (id " + row.id() + "): role " + row.role() + ", " +
                enabled(row.enabled()) + (row.passwordHash().isEmpty() ? ", no password hash" : ""));
        final List<PairedDevice> devices = store.pairedDevices(row.id());
        lines.add("devices: " + (devices.isEmpty() ? "none" : ""));
        for (final PairedDevice device : devices) {
            lines.add("  " + device.device().uid() + " (id " + device.deviceId() + ", " + device.device().vendor() +
                    "/" + device.device().model() + "): " + device.role() +
                    (device.enabled() ? "" : ", device disabled"));
        }
        clientIds(lines, false, row.id());
        return Optional.of(lines);
    }

    private void clientIds(final List<String> lines, final boolean device, final long id)
            throws AccountStoreUnavailableException {
        final List<String> clientIds = store.clientIdsOf(device, id);
        lines.add("client ids: " + (clientIds.isEmpty() ? "none" : String.join(", ", clientIds)));
    }

    private static String enabled(final boolean enabled) {
        return enabled ? "enabled" : "disabled";
    }
}
