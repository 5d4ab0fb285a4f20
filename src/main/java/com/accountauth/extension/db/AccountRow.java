package com.accountauth.extension.db;

import java.util.Optional;

/**
 * A row of the account-by-email or account-by-id query.
 *
 * @param clientIdOwner the owner of the CONNECT's client id, when account-by-email read it in the same statement
 */
public record AccountRow(long id, String email, Optional<String> passwordHash, String role, boolean enabled,
                         Optional<ClientIdOwner> clientIdOwner) {

    @Override
    public String toString() {
        return "AccountRow[id=" + id + ", email=" + email + ", role=" + role + ", enabled=" + enabled + "]";
    }
}
