package com.accountauth.extension.password;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The families of stored password hashes, by the names {@code config.xml} uses for them. A stored hash says its own
 * format by its prefix ({@link HashSchemes#parse}); which formats each kind of principal may use is configured.
 */
public enum PasswordFormat {
    /** {@code $2a$}, {@code $2b$}, {@code $2y$}: PHP, OpenBSD/Python, jBCrypt, htpasswd. */
    BCRYPT("bcrypt", true),
    /**
     * PBKDF2: mosquitto {@code $7$}, passlib {@code $pbkdf2-sha256$}/{@code $pbkdf2-sha512$}, Django
     * {@code pbkdf2_sha256$}.
     */
    PBKDF2("pbkdf2", true),
    /** Argon2id PHC strings, {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash} (argon2-cffi, PHP, libsodium). */
    ARGON2ID("argon2id", true),
    /** mosquitto 1.6's {@code $6$}: one salted SHA-512, as fast as the fast scheme but without its pepper. */
    MOSQUITTO_SHA512("mosquitto-sha512", false),
    /** account-auth's scheme for random machine secrets: {@code $sha256$} or, with a pepper, {@code $hmac-sha256$}. */
    FAST("fast", true);

    private final String configName;
    private final boolean target;

    PasswordFormat(final String configName, final boolean target) {
        this.configName = configName;
        this.target = target;
    }

    /** The name in {@code config.xml} and in the tools' {@code --format}. */
    public String configName() {
        return configName;
    }

    /**
     * Whether a check costs real CPU time (bcrypt, PBKDF2, Argon2id: milliseconds by design), so that checks at once
     * are bounded by cores; the fast scheme and mosquitto's {@code $6$} are one hash each, microseconds.
     */
    public boolean costly() {
        return this == BCRYPT || this == PBKDF2 || this == ARGON2ID;
    }

    /** Whether new hashes may be made in it (mosquitto's {@code $6$} is only read, never written). */
    public boolean canBeTarget() {
        return target;
    }

    public static Optional<PasswordFormat> byConfigName(final String name) {
        final String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.configName.equals(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return configName;
    }
}
