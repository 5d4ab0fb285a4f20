package com.accountauth.extension.db;

import java.util.Optional;

/** A row of the account-by-email query. */
public record AccountRow(long id, String email, Optional<String> passwordHash, String role, boolean enabled) {

    @Override
    public String toString() {
        return "AccountRow[id=" + id + ", email=" + email + ", role=" + role + ", enabled=" + enabled + "]";
    }
}
