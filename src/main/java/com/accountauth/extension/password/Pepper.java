package com.accountauth.extension.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The server-side secret of the fast scheme's {@code $hmac-sha256$} hashes ({@code <passwords><pepper>}, from the
 * environment): a leaked DB alone then gives nothing to guess against. Its id, the first 8 hex digits of a SHA-256 of
 * it, is written into every hash, so a hash made with another pepper is refused as such, not as a wrong password.
 */
public final class Pepper {

    /** A pepper is a random secret, not a password: shorter ones are refused at start. */
    public static final int MIN_BYTES = 16;

    private final byte[] key;
    private final String id;

    public Pepper(final String secret) {
        key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("a pepper needs at least " + MIN_BYTES + " bytes");
        }
        try {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("account-auth pepper\0".getBytes(StandardCharsets.US_ASCII));
            id = HexFormat.of().formatHex(sha256.digest(key), 0, 4);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public String id() {
        return id;
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "pepper " + id;
    }

    /** Compared when config.xml is reloaded; in constant time, as for any secret. */
    @Override
    public boolean equals(final Object o) {
        return o instanceof Pepper other && MessageDigest.isEqual(other.key, key);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
