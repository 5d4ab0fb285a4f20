package com.accountauth.extension.db;

import java.util.Optional;

/**
 * Who owned a client id when it was read together with a principal's row.
 *
 * @param clientId the client id
 * @param ownerKey its owner as {@code account:<id>} or {@code device:<id>}; empty when it was not bound
 */
public record ClientIdOwner(String clientId, Optional<String> ownerKey) {
}
