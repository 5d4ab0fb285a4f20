package com.accountauth.extension.db;

import java.util.Optional;

/**
 * Who owned a client id when it was read together with a principal's row, and the device it is reserved to when the
 * same statement read that too.
 *
 * @param clientId    the client id
 * @param ownerKey    its owner as {@code account:<id>} or {@code device:<id>}; empty when it was not bound
 * @param reservation empty when not read; else the device whose MAC or uid the client id is, as {@code device:<id>}
 *                    (empty when none)
 */
public record ClientIdOwner(String clientId, Optional<String> ownerKey, Optional<Optional<String>> reservation) {

    /** An owner read without the reservation. */
    public ClientIdOwner(final String clientId, final Optional<String> ownerKey) {
        this(clientId, ownerKey, Optional.empty());
    }
}
