package com.accountauth.extension.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * mosquitto_passwd's older {@code $6$<salt>$<hash>} (the default up to mosquitto 1.6): SHA-512 of the password's
 * bytes followed by the 12-byte salt, both Base64 with padding. One hash, no iterations: read for migrations, never
 * written. glibc's sha512crypt shares the prefix but not the shape (86 characters of its own Base64) and is refused.
 */
final class MosquittoSha512Scheme {

    private static final String PREFIX = "$6$";

    private MosquittoSha512Scheme() {
    }

    static boolean claims(final String stored) {
        return stored.startsWith(PREFIX);
    }

    static StoredHash parse(final String stored) throws UnusableHashException {
        final String[] parts = stored.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 2 || parts[0].startsWith("rounds=")) {
            throw new UnusableHashException("not mosquitto's $6$salt$hash (glibc sha512crypt is not supported)");
        }
        if (parts[1].length() != 88 || !parts[1].endsWith("==")) {
            // mosquitto pads its Base64; sha512crypt's 86 characters would otherwise decode to 64 bytes too
            throw new UnusableHashException("not mosquitto's $6$ hash of 88 characters (glibc sha512crypt is not " +
                    "supported)");
        }
        final byte[] salt = Encoding.base64(parts[0], "the $6$ salt");
        final byte[] digest = Encoding.base64(parts[1], "the $6$ hash");
        Encoding.length(salt, 1, 1024, "the $6$ salt");
        Encoding.length(digest, 64, 64, "the $6$ hash (glibc sha512crypt is not supported)");
        return new Hash(salt, digest);
    }

    private record Hash(byte[] salt, byte[] digest) implements StoredHash {

        @Override
        public PasswordFormat format() {
            return PasswordFormat.MOSQUITTO_SHA512;
        }

        @Override
        public String cost() {
            return "mosquitto-sha512 (one SHA-512)";
        }

        @Override
        public Optional<String> beyond(final CostLimits limits) {
            return Optional.empty();
        }

        @Override
        public boolean weakerThan(final HashTarget target) {
            return true;
        }

        @Override
        public boolean matches(final String password) {
            try {
                final MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
                sha512.update(password.getBytes(StandardCharsets.UTF_8));
                return Encoding.sameBytes(sha512.digest(salt), digest);
            } catch (final NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-512 is part of every JDK", e);
            }
        }

        @Override
        public String toString() {
            return cost();
        }
    }
}
