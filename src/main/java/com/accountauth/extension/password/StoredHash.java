package com.accountauth.extension.password;

import java.util.Optional;

/**
 * A stored hash, parsed: its format, its cost, and whether a password matches it. Never holds a password; its
 * {@code toString} names the format and cost, never the salt or digest.
 */
public interface StoredHash {

    PasswordFormat format();

    /** The cost as the format writes it, for logs: {@code bcrypt cost 10}, {@code argon2id m=65536,t=3,p=4}. */
    String cost();

    /** Why the cost is beyond the configured bounds (one bad row must not stall the workers), or empty. */
    Optional<String> beyond(CostLimits limits);

    /**
     * True when a hash made now for {@code target} would be stronger (another format, or a higher cost), so that
     * upgrade on login rewrites it. A fast-scheme hash is never weaker than a slow target.
     */
    boolean weakerThan(HashTarget target);

    /** True when the password (its UTF-8 bytes) matches; compares in constant time. */
    boolean matches(String password);
}
