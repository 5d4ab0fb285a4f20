package com.accountauth.extension.db;

/** An account paired to a device, as {@code <accounts-paired-to-device>} reads it; role is the pairing's, raw. */
public record PairedAccount(long id, String email, String role, boolean enabled) {
}
