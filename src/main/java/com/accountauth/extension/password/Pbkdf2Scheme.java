package com.accountauth.extension.password;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * PBKDF2 as three tools write it, all checked with the JDK's PBKDF2:
 * <ul>
 *   <li>mosquitto_passwd {@code $7$<iterations>$<salt>$<hash>}: HMAC-SHA512, Base64 with padding, 64-byte hash</li>
 *   <li>passlib {@code $pbkdf2-sha256$<rounds>$<salt>$<hash>} and {@code $pbkdf2-sha512$}: adapted Base64</li>
 *   <li>Django {@code pbkdf2_sha256$<iterations>$<salt>$<hash>}: the salt is text, used as its UTF-8 bytes</li>
 * </ul>
 * New hashes are written as passlib's {@code $pbkdf2-sha512$} (16-byte salt), which the other two tools' users can
 * read with passlib too.
 */
final class Pbkdf2Scheme {

    private enum Variant {
        MOSQUITTO("$7$", "PBKDF2WithHmacSHA512", 64),
        PASSLIB_SHA256("$pbkdf2-sha256$", "PBKDF2WithHmacSHA256", 32),
        PASSLIB_SHA512("$pbkdf2-sha512$", "PBKDF2WithHmacSHA512", 64),
        DJANGO_SHA256("pbkdf2_sha256$", "PBKDF2WithHmacSHA256", 32);

        final String prefix;
        final String algorithm;
        final int digestBytes;

        Variant(final String prefix, final String algorithm, final int digestBytes) {
            this.prefix = prefix;
            this.algorithm = algorithm;
            this.digestBytes = digestBytes;
        }
    }

    private Pbkdf2Scheme() {
    }

    static boolean claims(final String stored) {
        for (final Variant variant : Variant.values()) {
            if (stored.startsWith(variant.prefix)) {
                return true;
            }
        }
        return false;
    }

    static StoredHash parse(final String stored) throws UnusableHashException {
        final Variant variant = variantOf(stored);
        final String[] parts = stored.substring(variant.prefix.length()).split("\\$", -1);
        if (parts.length != 3) {
            throw new UnusableHashException(variant.prefix + " hash does not have iterations$salt$hash");
        }
        final int iterations = Encoding.decimal(parts[0], variant.prefix + " iteration count");
        final byte[] salt = switch (variant) {
            case MOSQUITTO -> Encoding.base64(parts[1], "the $7$ salt");
            case PASSLIB_SHA256, PASSLIB_SHA512 -> Encoding.adaptedBase64(parts[1], "the passlib salt");
            case DJANGO_SHA256 -> parts[1].getBytes(StandardCharsets.UTF_8);
        };
        final byte[] digest = variant == Variant.PASSLIB_SHA256 || variant == Variant.PASSLIB_SHA512 ?
                Encoding.adaptedBase64(parts[2], "the passlib hash") : Encoding.base64(parts[2], "the hash");
        Encoding.length(salt, 1, 1024, variant.prefix + " salt");
        Encoding.length(digest, variant.digestBytes, variant.digestBytes, variant.prefix + " hash");
        return new Hash(variant, iterations, salt, digest);
    }

    private static Variant variantOf(final String stored) throws UnusableHashException {
        for (final Variant variant : Variant.values()) {
            if (stored.startsWith(variant.prefix)) {
                return variant;
            }
        }
        throw new UnusableHashException("not a PBKDF2 hash");
    }

    static String make(final String password, final int iterations) {
        final byte[] salt = Encoding.randomBytes(16);
        final byte[] digest = derive(Variant.PASSLIB_SHA512, password, salt, iterations);
        return Variant.PASSLIB_SHA512.prefix + iterations + "$" + Encoding.adaptedBase64(salt) + "$" +
                Encoding.adaptedBase64(digest);
    }

    private static byte[] derive(final Variant variant, final String password, final byte[] salt,
                                 final int iterations) {
        final PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, variant.digestBytes * 8);
        try {
            // the JDK's PBKDF2 turns the chars into their UTF-8 bytes, as the tools do
            return SecretKeyFactory.getInstance(variant.algorithm).generateSecret(spec).getEncoded();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(variant.algorithm + " is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    private record Hash(Variant variant, int iterations, byte[] salt, byte[] digest) implements StoredHash {

        @Override
        public PasswordFormat format() {
            return PasswordFormat.PBKDF2;
        }

        @Override
        public String cost() {
            return "pbkdf2 (" + variant.prefix + ") " + iterations + " iterations";
        }

        @Override
        public Optional<String> beyond(final CostLimits limits) {
            return iterations > limits.maxPbkdf2Iterations() ? Optional.of(cost() + " is over " +
                    "<max-pbkdf2-iterations> " + limits.maxPbkdf2Iterations()) : Optional.empty();
        }

        @Override
        public boolean weakerThan(final HashTarget target) {
            return target.format() != PasswordFormat.PBKDF2 || iterations < target.pbkdf2Iterations();
        }

        @Override
        public boolean matches(final String password) {
            return Encoding.sameBytes(derive(variant, password, salt, iterations), digest);
        }

        @Override
        public String toString() {
            return cost();
        }
    }
}
