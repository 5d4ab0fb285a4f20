package com.accountauth.extension.config;

/**
 * {@code <queries>}: every SQL statement the extension runs, each with one '?' parameter.
 *
 * @param deviceByMac            {@code <device-by-mac>}: columns id, mac, uid, vendor, model, password_hash, enabled
 * @param accountByEmail         {@code <account-by-email>}: columns id, email, password_hash, role, enabled
 * @param devicesPairedToAccount {@code <devices-paired-to-account>}: columns uid, vendor, model, role
 */
public record QuerySettings(String deviceByMac, String accountByEmail, String devicesPairedToAccount) {

    public static final String DEFAULT_DEVICE_BY_MAC =
            "SELECT id, mac, uid, vendor, model, password_hash, enabled FROM devices WHERE mac = ?";
    public static final String DEFAULT_ACCOUNT_BY_EMAIL =
            "SELECT id, email, password_hash, role, enabled FROM accounts WHERE email = ?";
    public static final String DEFAULT_DEVICES_PAIRED_TO_ACCOUNT =
            "SELECT d.uid, d.vendor, d.model, p.role FROM pairings p JOIN devices d ON d.id = p.device_id " +
                    "WHERE p.account_id = ? AND d.enabled = TRUE";
}
