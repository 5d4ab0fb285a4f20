package com.accountauth.extension.password;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Makes stored hashes for operators: {@code hash-password} (a password read from standard input, in any format) and
 * {@code provision-device} (a new random secret and its fast-scheme hash). The CLI calls this; so does
 * {@link HashPasswordMain}. Refuses what a CONNECT would refuse: a password over 72 bytes, with NUL, or empty.
 */
public final class PasswordHasher {

    /** A device's new secret: 128 random bits, Base64url without padding (22 characters, safe in any client). */
    public record DeviceSecret(String secret, String hash) {

        @Override
        public String toString() {
            return "device secret (hidden), hash " + hash;
        }
    }

    private final HashSchemes schemes;

    public PasswordHasher(final HashSchemes schemes) {
        this.schemes = schemes;
    }

    /** The password's hash as {@code target} says; throws IllegalArgumentException for a password no CONNECT passes. */
    public String hash(final HashTarget target, final String password) {
        if (PasswordBytes.acceptable(password.getBytes(StandardCharsets.UTF_8)).isEmpty()) {
            throw new IllegalArgumentException("the password is empty, over " + PasswordBytes.MAX +
                    " bytes or holds NUL: no CONNECT could use it");
        }
        return schemes.make(target, password);
    }

    /** A new device secret and its fast-scheme hash ({@code $hmac-sha256$} when a pepper is configured). */
    public DeviceSecret provisionDevice() {
        final String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(Encoding.randomBytes(16));
        return new DeviceSecret(secret, schemes.make(HashTarget.defaults(PasswordFormat.FAST), secret));
    }

    /**
     * The password from standard input: all of it, less one trailing line break (so {@code echo pw |} works), as
     * strict UTF-8; empty when it is not something a CONNECT could present.
     */
    public static Optional<String> readPassword(final InputStream in) throws IOException {
        byte[] raw = in.readNBytes(PasswordBytes.MAX + 3);
        int end = raw.length;
        if (end > 0 && raw[end - 1] == '\n') {
            end--;
            if (end > 0 && raw[end - 1] == '\r') {
                end--;
            }
        }
        raw = java.util.Arrays.copyOf(raw, end);
        return PasswordBytes.acceptable(raw);
    }

    public Optional<Pepper> pepper() {
        return schemes.pepper();
    }
}
