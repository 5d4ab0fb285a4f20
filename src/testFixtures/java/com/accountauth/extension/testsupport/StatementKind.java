package com.accountauth.extension.testsupport;

import java.util.Locale;

/**
 * What the extension asked the account DB, by the config.xml query a statement comes from, recognised in its text as
 * MariaDB's general query log shows it (with the shipped queries; values filled in). Used by the benchmark and the
 * integration tests that count statements.
 */
public enum StatementKind {
    DEVICE_BY_MAC("device-by-mac"),
    ACCOUNT_BY_EMAIL("account-by-email"),
    PAIRED_DEVICES("devices-paired-to-account"),
    BIND_CLIENT_ID("bind-client-id (INSERT IGNORE)"),
    CLIENT_ID_OWNER("client-id-owner"),
    DEVICE_RESERVING_CLIENT_ID("device-reserving-client-id"),
    BY_ID("device-by-id / account-by-id (live changes)"),
    PRELOAD("devices-to-preload (at start)"),
    CHANGE_FEED("change feed poll"),
    OTHER("other (driver/pool)");

    public final String label;

    StatementKind(final String label) {
        this.label = label;
    }

    /** The kind of one statement of the log. */
    public static StatementKind of(final String sql) {
        final String s = sql.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (s.contains("account_changes")) {
            return CHANGE_FEED;
        }
        // the shipped device-by-mac and account-by-email also read the client id's owner and reservation
        // (... FROM (SELECT ... WHERE mac = ?) d LEFT JOIN client_ids c ... CROSS JOIN (SELECT MIN(id) FROM devices
        // WHERE mac = ? OR uid = ?) r), one statement: recognised by the owner's column before the client-id kinds
        if (s.contains("client_id_account_id") && s.contains("from accounts where email")) {
            return ACCOUNT_BY_EMAIL;
        }
        if (s.contains("client_id_account_id") && s.contains("from devices where mac")) {
            return DEVICE_BY_MAC;
        }
        if (s.contains("from devices where mac") && s.contains(" or uid")) {
            return DEVICE_RESERVING_CLIENT_ID;
        }
        if (s.contains("from devices where mac")) {
            return DEVICE_BY_MAC;
        }
        if (s.contains("from accounts where email")) {
            return ACCOUNT_BY_EMAIL;
        }
        if (s.contains("from pairings p join devices")) {
            return PAIRED_DEVICES;
        }
        if (s.contains("insert ignore into client_ids")) {
            return BIND_CLIENT_ID;
        }
        if (s.contains("from client_ids where client_id")) {
            return CLIENT_ID_OWNER;
        }
        if (s.contains("left join client_ids c on c.device_id")) {
            return PRELOAD;
        }
        if (s.contains("from devices where id") || s.contains("from accounts where id")) {
            return BY_ID;
        }
        return OTHER;
    }

    /** A statement that reads a principal (or its pairings). */
    public boolean principalLoad() {
        return this == DEVICE_BY_MAC || this == ACCOUNT_BY_EMAIL || this == PAIRED_DEVICES || this == BY_ID;
    }

    /** A statement that binds a client id, or reads its owner (or the device it is reserved to) on its own. */
    public boolean clientId() {
        return this == BIND_CLIENT_ID || this == CLIENT_ID_OWNER || this == DEVICE_RESERVING_CLIENT_ID;
    }
}
