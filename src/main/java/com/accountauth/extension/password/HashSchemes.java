package com.accountauth.extension.password;

import java.util.Optional;

/**
 * Every stored-hash format account-auth reads, chosen by the hash's own prefix, and the making of new hashes. Holds
 * the pepper of the fast scheme, if one is configured.
 */
public final class HashSchemes {

    private final Optional<Pepper> pepper;

    public HashSchemes(final Optional<Pepper> pepper) {
        this.pepper = pepper;
    }

    /** The stored hash, parsed by the format its prefix names; never checks a password. */
    public StoredHash parse(final String stored) throws UnusableHashException {
        if (stored == null || stored.isEmpty()) {
            throw new UnusableHashException("no password hash is stored");
        }
        if (stored.length() > 1024) {
            throw new UnusableHashException("the stored hash is over 1024 characters");
        }
        if (BcryptScheme.claims(stored)) {
            return BcryptScheme.parse(stored);
        }
        if (Pbkdf2Scheme.claims(stored)) {
            return Pbkdf2Scheme.parse(stored);
        }
        if (Argon2idScheme.claims(stored)) {
            return Argon2idScheme.parse(stored);
        }
        if (FastScheme.claims(stored)) {
            return FastScheme.parse(stored, pepper);
        }
        if (MosquittoSha512Scheme.claims(stored)) {
            return MosquittoSha512Scheme.parse(stored);
        }
        throw new UnusableHashException("the stored hash has no known prefix ($2a$/$2b$/$2y$, $7$, $6$, " +
                "$pbkdf2-sha256$, $pbkdf2-sha512$, pbkdf2_sha256$, $argon2id$, $sha256$, $hmac-sha256$)");
    }

    /** A new hash of the password as the target says (a fast one with the pepper when there is one). */
    public String make(final HashTarget target, final String password) {
        return switch (target.format()) {
            case BCRYPT -> BcryptScheme.make(password, target.bcryptCost());
            case PBKDF2 -> Pbkdf2Scheme.make(password, target.pbkdf2Iterations());
            case ARGON2ID -> Argon2idScheme.make(password, target);
            case FAST -> FastScheme.make(password, pepper);
            case MOSQUITTO_SHA512 -> throw new IllegalArgumentException("mosquitto-sha512 is never written");
        };
    }

    public Optional<Pepper> pepper() {
        return pepper;
    }
}
