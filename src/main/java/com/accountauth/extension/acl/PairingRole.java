package com.accountauth.extension.acl;

import java.util.Locale;
import java.util.Optional;

/** A user's role for a paired device: an owner also sends commands, a viewer only watches. */
public enum PairingRole {
    OWNER,
    VIEWER;

    /** Parses the DB value, ignoring case; empty for anything else, which grants nothing. */
    public static Optional<PairingRole> parse(final String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "owner" -> Optional.of(OWNER);
            case "viewer" -> Optional.of(VIEWER);
            default -> Optional.empty();
        };
    }
}
