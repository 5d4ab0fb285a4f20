package com.accountauth.extension.config;

import com.accountauth.extension.identity.ClientIdPattern;

import java.util.Optional;

/**
 * {@code <client-ids>}: client ids belong to their principal, a device's own MAC and uid to the device.
 *
 * @param bindToPrincipal          {@code <bind-to-principal>}: refuse a client id another principal has used, with
 *                                 0x85. Default true
 * @param reserveDeviceIds         {@code <reserve-device-ids>}: a device's MAC (in any form a MAC username may take)
 *                                 and its uid are its own client ids: no other principal may use them (0x85), and the
 *                                 device may use them whoever bound them first. Default true
 * @param maxLength                {@code <max-length>}: longest client id, in characters; a longer one is refused
 *                                 with 0x85 before any DB work. The shipped {@code client_ids.client_id} column is
 *                                 VARCHAR(191). Default 191
 * @param expireUnusedAfterSeconds {@code <expire-unused-after-seconds>}: a binding not used for this long is deleted
 *                                 by {@code <expire-client-ids>}; 0 keeps bindings for ever. At least
 *                                 {@code <principal-ttl-seconds>} plus twice {@code <last-used-interval-seconds>}.
 *                                 Default 7776000 (90 days)
 * @param lastUsedIntervalSeconds  {@code <last-used-interval-seconds>}: how often the bindings used meanwhile (and
 *                                 those of connected clients) are marked used with {@code <touch-client-id>}, and the
 *                                 cleanup runs. Default 3600
 * @param devicePattern            {@code <device-pattern>}: a regex a device's client id must match, e.g.
 *                                 {@code ${{mac}}|${{uid}}}. Default: none
 * @param accountPattern           {@code <account-pattern>}: the same for users and service accounts
 *                                 ({@code ${{id}}}, {@code ${{email}}}). Default: none
 */
public record ClientIdSettings(boolean bindToPrincipal, boolean reserveDeviceIds, int maxLength,
                               long expireUnusedAfterSeconds, long lastUsedIntervalSeconds,
                               Optional<ClientIdPattern> devicePattern, Optional<ClientIdPattern> accountPattern) {

    /** The length of the shipped {@code client_ids.client_id} column, VARCHAR(191) (utf8mb4's index limit). */
    public static final int DEFAULT_MAX_LENGTH = ConfigElements.CLIENT_ID_MAX_LENGTH.defaultValue();
    public static final int DEFAULT_EXPIRE_UNUSED_AFTER_SECONDS =
            ConfigElements.EXPIRE_UNUSED_AFTER_SECONDS.defaultValue();
    public static final int DEFAULT_LAST_USED_INTERVAL_SECONDS =
            ConfigElements.LAST_USED_INTERVAL_SECONDS.defaultValue();

    /** The defaults, with these patterns. */
    public static ClientIdSettings defaults(final Optional<ClientIdPattern> devicePattern,
                                            final Optional<ClientIdPattern> accountPattern) {
        return new ClientIdSettings(true, true, DEFAULT_MAX_LENGTH, DEFAULT_EXPIRE_UNUSED_AFTER_SECONDS,
                DEFAULT_LAST_USED_INTERVAL_SECONDS, devicePattern, accountPattern);
    }

    /** Whether unused bindings expire (and used ones must be marked used). */
    public boolean expires() {
        return bindToPrincipal && expireUnusedAfterSeconds > 0;
    }
}
