package com.accountauth.extension.config;

import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.password.CostLimits;
import com.accountauth.extension.password.KindPolicy;
import com.accountauth.extension.password.PasswordFormat;
import com.accountauth.extension.password.Pepper;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code <passwords>}: the stored-hash formats, their cost bounds, who may use which, and upgrade on login.
 * bcrypt's bound and cost stay in {@code <authentication>} ({@code <max-bcrypt-cost>}, {@code <dummy-bcrypt-cost>}).
 *
 * @param limits         {@code <max-pbkdf2-iterations>} (default 1000000, Django 5.2's own count),
 *                       {@code <max-argon2-memory-kib>} (default 131072), {@code <max-argon2-iterations>} (default
 *                       10), {@code <max-argon2-parallelism>} (default 8): a stored hash beyond them is refused
 * @param pepper         {@code <pepper>}, the server-side key of the fast scheme's {@code $hmac-sha256$} hashes, at
 *                       least 16 bytes, e.g. {@code ${ENV:ACCOUNT_AUTH_PEPPER}}. Default: none (new fast hashes are
 *                       then {@code $sha256$})
 * @param kinds          {@code <device>}, {@code <user>}, {@code <service>}, each with {@code <formats>} (the formats
 *                       its rows may have, space separated) and {@code <target>} (the format its new hashes get, and
 *                       its dummy check). Defaults: device {@code bcrypt pbkdf2 argon2id fast} with target bcrypt;
 *                       user and service {@code bcrypt pbkdf2 argon2id} with target bcrypt. New hashes cost
 *                       {@code <pbkdf2-iterations>} (default 210000), {@code <argon2-memory-kib>} (default 19456),
 *                       {@code <argon2-iterations>} (default 2), {@code <argon2-parallelism>} (default 1)
 * @param upgradeOnLogin {@code <upgrade-on-login>}: a password that verified against a hash weaker than its kind's
 *                       target is rehashed and written with {@code <queries><update-device-password>} or
 *                       {@code <update-account-password>}, after the client is answered. Default false
 */
public record PasswordSettings(CostLimits limits, Optional<Pepper> pepper, Map<Principal.Kind, KindPolicy> kinds,
                               boolean upgradeOnLogin) {

    public static final int DEFAULT_MAX_PBKDF2_ITERATIONS = 1_000_000;
    public static final int DEFAULT_MAX_ARGON2_MEMORY_KIB = 131_072;
    public static final int DEFAULT_MAX_ARGON2_ITERATIONS = 10;
    public static final int DEFAULT_MAX_ARGON2_PARALLELISM = 8;
    public static final Set<PasswordFormat> DEFAULT_DEVICE_FORMATS = Set.of(PasswordFormat.BCRYPT,
            PasswordFormat.PBKDF2, PasswordFormat.ARGON2ID, PasswordFormat.FAST);
    /** Human passwords: never a fast hash. */
    public static final Set<PasswordFormat> DEFAULT_ACCOUNT_FORMATS = Set.of(PasswordFormat.BCRYPT,
            PasswordFormat.PBKDF2, PasswordFormat.ARGON2ID);
    public static final PasswordFormat DEFAULT_TARGET = PasswordFormat.BCRYPT;

    public PasswordSettings {
        kinds = Map.copyOf(kinds);
    }
}
