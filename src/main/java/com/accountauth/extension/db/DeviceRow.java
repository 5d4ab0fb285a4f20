package com.accountauth.extension.db;

import java.util.Optional;

/**
 * A row of the device-by-mac or device-by-id query.
 *
 * @param clientIdOwner the owner of the CONNECT's client id, when device-by-mac read it in the same statement
 */
public record DeviceRow(long id, String mac, String uid, String vendor, String model, Optional<String> passwordHash,
                        boolean enabled, Optional<ClientIdOwner> clientIdOwner) {

    @Override
    public String toString() {
        return "DeviceRow[id=" + id + ", mac=" + mac + ", uid=" + uid + ", enabled=" + enabled + "]";
    }
}
