package com.accountauth.extension.password;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * account-auth's scheme for machine secrets (a device's random 128-bit secret, never a human's password): one
 * salted hash, a microsecond per check, so a cold reconnect of every device costs no bcrypt. Against a 128-bit random
 * secret, a leaked DB gives a guesser nothing a slow hash would deny it. Two forms (docs/PASSWORDS.md):
 * <ul>
 *   <li>{@code $sha256$<salt>$<digest>}: SHA-256 of the 16-byte salt followed by the password's UTF-8 bytes</li>
 *   <li>{@code $hmac-sha256$<pepper id>$<salt>$<digest>}: HMAC-SHA256 keyed with the pepper, of the same bytes</li>
 * </ul>
 * Salt and digest in Base64 without padding. New hashes use the HMAC form when a pepper is configured.
 */
final class FastScheme {

    static final String SHA256 = "$sha256$";
    static final String HMAC = "$hmac-sha256$";
    private static final Pattern PEPPER_ID = Pattern.compile("[0-9a-f]{8}");

    private FastScheme() {
    }

    static boolean claims(final String stored) {
        return stored.startsWith(SHA256) || stored.startsWith(HMAC);
    }

    static StoredHash parse(final String stored, final Optional<Pepper> pepper) throws UnusableHashException {
        final boolean keyed = stored.startsWith(HMAC);
        final String[] parts = stored.substring(keyed ? HMAC.length() : SHA256.length()).split("\\$", -1);
        if (parts.length != (keyed ? 3 : 2)) {
            throw new UnusableHashException(keyed ? "not $hmac-sha256$pepper-id$salt$digest" :
                    "not $sha256$salt$digest");
        }
        if (keyed) {
            if (!PEPPER_ID.matcher(parts[0]).matches()) {
                throw new UnusableHashException("the $hmac-sha256$ pepper id is not 8 hex digits");
            }
            if (pepper.isEmpty()) {
                throw new UnusableHashException("the hash was made with pepper " + parts[0] + ", and no " +
                        "<passwords><pepper> is configured");
            }
            if (!pepper.get().id().equals(parts[0])) {
                throw new UnusableHashException("the hash was made with pepper " + parts[0] + ", the configured " +
                        "one is " + pepper.get().id());
            }
        }
        final byte[] salt = Encoding.base64(parts[keyed ? 1 : 0], "the fast scheme's salt");
        final byte[] digest = Encoding.base64(parts[keyed ? 2 : 1], "the fast scheme's digest");
        Encoding.length(salt, 8, 64, "the fast scheme's salt");
        Encoding.length(digest, 32, 32, "the fast scheme's digest");
        return new Hash(keyed ? pepper : Optional.empty(), pepper.isPresent(), salt, digest);
    }

    static String make(final String password, final Optional<Pepper> pepper) {
        final byte[] salt = Encoding.randomBytes(16);
        final byte[] digest = digest(pepper, salt, password);
        return pepper.map(p -> HMAC + p.id() + "$").orElse(SHA256) + Encoding.base64NoPadding(salt) + "$" +
                Encoding.base64NoPadding(digest);
    }

    private static byte[] digest(final Optional<Pepper> pepper, final byte[] salt, final String password) {
        final byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        try {
            if (pepper.isPresent()) {
                final Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(pepper.get().key(), "HmacSHA256"));
                mac.update(salt);
                return mac.doFinal(secret);
            }
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            return sha256.digest(secret);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 and HmacSHA256 are part of every JDK", e);
        }
    }

    /**
     * @param pepper          the pepper it was made with (empty for {@code $sha256$})
     * @param pepperAvailable a pepper is configured: a {@code $sha256$} hash is then weaker than a new one
     */
    private record Hash(Optional<Pepper> pepper, boolean pepperAvailable, byte[] salt, byte[] digest)
            implements StoredHash {

        @Override
        public PasswordFormat format() {
            return PasswordFormat.FAST;
        }

        @Override
        public String cost() {
            return pepper.isPresent() ? "fast hmac-sha256 (" + pepper.get() + ")" : "fast sha256 (no pepper)";
        }

        @Override
        public Optional<String> beyond(final CostLimits limits) {
            return Optional.empty();
        }

        /**
         * Only a {@code $sha256$} hash is weaker, and only than a new fast hash with the pepper: a fast hash is a
         * deliberate choice for a random secret (provision-device), never turned into a slow one.
         */
        @Override
        public boolean weakerThan(final HashTarget target) {
            return target.format() == PasswordFormat.FAST && pepper.isEmpty() && pepperAvailable;
        }

        @Override
        public boolean matches(final String password) {
            return Encoding.sameBytes(FastScheme.digest(pepper, salt, password), digest);
        }

        @Override
        public String toString() {
            return cost();
        }
    }
}
