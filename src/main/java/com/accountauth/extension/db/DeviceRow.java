package com.accountauth.extension.db;

import java.util.Optional;

/** A row of the device-by-mac query. */
public record DeviceRow(long id, String mac, String uid, String vendor, String model, Optional<String> passwordHash,
                        boolean enabled) {

    @Override
    public String toString() {
        return "DeviceRow[id=" + id + ", mac=" + mac + ", uid=" + uid + ", enabled=" + enabled + "]";
    }
}
