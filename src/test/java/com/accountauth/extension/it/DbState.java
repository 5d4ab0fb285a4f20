package com.accountauth.extension.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the account DB says at one moment, read directly from its tables (never from the extension): rows of accounts
 * and devices, and pairings. Its predicates are the product's rules, written out once more for the checker.
 */
final class DbState {

    record AccountRow(long id, String hash, boolean enabled) {
    }

    record DeviceRow(long id, String hash, boolean enabled) {
    }

    final Map<Long, AccountRow> accounts;
    final Map<Long, DeviceRow> devices;
    /** account id -> device id -> role */
    final Map<Long, Map<Long, String>> pairings;

    private DbState(final Map<Long, AccountRow> accounts, final Map<Long, DeviceRow> devices,
                    final Map<Long, Map<Long, String>> pairings) {
        this.accounts = accounts;
        this.devices = devices;
        this.pairings = pairings;
    }

    /** Reads the three tables in one consistent snapshot; leaves the connection's transaction closed. */
    static DbState read(final Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        final Map<Long, AccountRow> accounts = new HashMap<>();
        final Map<Long, DeviceRow> devices = new HashMap<>();
        final Map<Long, Map<Long, String>> pairings = new HashMap<>();
        try (Statement statement = connection.createStatement()) {
            statement.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            try (ResultSet rows = statement.executeQuery("SELECT id, password_hash, enabled FROM accounts")) {
                while (rows.next()) {
                    accounts.put(rows.getLong(1), new AccountRow(rows.getLong(1), rows.getString(2),
                            rows.getBoolean(3)));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT id, password_hash, enabled FROM devices")) {
                while (rows.next()) {
                    devices.put(rows.getLong(1), new DeviceRow(rows.getLong(1), rows.getString(2),
                            rows.getBoolean(3)));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT account_id, device_id, role FROM pairings")) {
                while (rows.next()) {
                    pairings.computeIfAbsent(rows.getLong(1), a -> new HashMap<>()).put(rows.getLong(2),
                            rows.getString(3));
                }
            }
        } finally {
            connection.commit();
        }
        return new DbState(accounts, devices, pairings);
    }

    /** The stored hash of the principal, or null when its row is gone. */
    String hashOf(final Who who) {
        if (who.kind() == Who.Kind.DEVICE) {
            final DeviceRow row = devices.get(who.id());
            return row == null ? null : row.hash();
        }
        final AccountRow row = accounts.get(who.id());
        return row == null ? null : row.hash();
    }

    boolean exists(final Who who) {
        return who.kind() == Who.Kind.DEVICE ? devices.containsKey(who.id()) : accounts.containsKey(who.id());
    }

    boolean enabled(final Who who) {
        if (who.kind() == Who.Kind.DEVICE) {
            final DeviceRow row = devices.get(who.id());
            return row != null && row.enabled();
        }
        final AccountRow row = accounts.get(who.id());
        return row != null && row.enabled();
    }

    /** May a connection that logged in with {@code hash} stay connected: the row exists, is enabled, same hash. */
    boolean admits(final Who who, final String hash) {
        return enabled(who) && Objects.equals(hashOf(who), hash);
    }

    /** The rows that decide what this connection may do with the device, in short (for a failure's trace). */
    String describe(final Who who, final String hash, final long deviceId) {
        final String hashNow = hashOf(who);
        return who + (exists(who) ? "" : " gone") + (enabled(who) ? "" : " disabled")
                + (hashNow == null || hashNow.equals(hash) ? "" : " other hash")
                + ", role with device " + deviceId + ": " + (who.kind() == Who.Kind.USER ? role(who.id(), deviceId)
                : "-") + (deviceEnabled(deviceId) ? "" : " (device disabled or gone)")
                + (who.kind() == Who.Kind.USER ? ", pairings " + new java.util.TreeMap<>(
                        pairings.getOrDefault(who.id(), Map.of())) : "")
                + ", admits " + admits(who, hash);
    }

    /** The pairing's role, or null when the account is not paired to the device. */
    String role(final long accountId, final long deviceId) {
        final Map<Long, String> mine = pairings.get(accountId);
        return mine == null ? null : mine.get(deviceId);
    }

    private boolean deviceEnabled(final long deviceId) {
        final DeviceRow row = devices.get(deviceId);
        return row != null && row.enabled();
    }

    /** May this connection receive (subscribe to) the topics of the device: its own, or of an enabled paired one. */
    boolean mayReceive(final Who who, final String hash, final long deviceId) {
        if (!admits(who, hash)) {
            return false;
        }
        return switch (who.kind()) {
            case SERVICE -> true;
            case DEVICE -> who.id() == deviceId;
            case USER -> role(who.id(), deviceId) != null && deviceEnabled(deviceId);
        };
    }

    /** May the principal receive the device's topics by its pairings alone (see {@link #mayPublishAsPaired}). */
    boolean mayReceiveAsPaired(final Who who, final long deviceId) {
        return switch (who.kind()) {
            case SERVICE -> true;
            case DEVICE -> who.id() == deviceId;
            case USER -> role(who.id(), deviceId) != null && deviceEnabled(deviceId);
        };
    }

    /**
     * May the principal publish to the device's topic with this event level by its pairings alone (what the
     * extension reads with the pairings statement, apart from the row it checks the password and enabled flag
     * against): a user owns the enabled device; a device is that device; a service may.
     */
    boolean mayPublishAsPaired(final Who who, final long deviceId, final String event) {
        return switch (who.kind()) {
            case SERVICE -> true;
            case DEVICE -> who.id() == deviceId;
            case USER -> "command".equals(event) && "owner".equals(role(who.id(), deviceId))
                    && deviceEnabled(deviceId);
        };
    }

    /** May this connection publish to the device's topic with this event level (users: commands to owned ones). */
    boolean mayPublish(final Who who, final String hash, final long deviceId, final String event) {
        if (!admits(who, hash)) {
            return false;
        }
        return switch (who.kind()) {
            case SERVICE -> true;
            case DEVICE -> who.id() == deviceId;
            case USER -> "command".equals(event) && "owner".equals(role(who.id(), deviceId))
                    && deviceEnabled(deviceId);
        };
    }
}
