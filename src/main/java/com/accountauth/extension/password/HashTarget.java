package com.accountauth.extension.password;

/**
 * What a new hash is made as: the format and its cost. Used by {@code hash-password}, by upgrade on login, and for
 * the dummy check of unknown usernames (it costs what a real check of a current row costs).
 *
 * @param format           the format of new hashes
 * @param bcryptCost       bcrypt's cost (log2 rounds)
 * @param pbkdf2Iterations PBKDF2-HMAC-SHA512 iterations (written as passlib's {@code $pbkdf2-sha512$})
 * @param argon2MemoryKib  Argon2id memory, KiB
 * @param argon2Iterations Argon2id passes
 * @param argon2Parallelism Argon2id lanes
 */
public record HashTarget(PasswordFormat format, int bcryptCost, int pbkdf2Iterations, int argon2MemoryKib,
                         int argon2Iterations, int argon2Parallelism) {

    /** bcrypt cost of new hashes (and of the dummy check): {@code <authentication><dummy-bcrypt-cost>}. */
    public static final int DEFAULT_BCRYPT_COST = 10;
    /** OWASP's figure for PBKDF2-HMAC-SHA512 (2023). */
    public static final int DEFAULT_PBKDF2_ITERATIONS = 210_000;
    /** OWASP's first Argon2id choice: 19 MiB, 2 passes, 1 lane. */
    public static final int DEFAULT_ARGON2_MEMORY_KIB = 19_456;
    public static final int DEFAULT_ARGON2_ITERATIONS = 2;
    public static final int DEFAULT_ARGON2_PARALLELISM = 1;

    /** The defaults for a format. */
    public static HashTarget defaults(final PasswordFormat format) {
        return new HashTarget(format, DEFAULT_BCRYPT_COST, DEFAULT_PBKDF2_ITERATIONS, DEFAULT_ARGON2_MEMORY_KIB,
                DEFAULT_ARGON2_ITERATIONS, DEFAULT_ARGON2_PARALLELISM);
    }

    public HashTarget {
        if (!format.canBeTarget()) {
            throw new IllegalArgumentException(format + " is only read, never written");
        }
    }

    /** The same costs for another format. */
    public HashTarget as(final PasswordFormat other) {
        return new HashTarget(other, bcryptCost, pbkdf2Iterations, argon2MemoryKib, argon2Iterations,
                argon2Parallelism);
    }
}
