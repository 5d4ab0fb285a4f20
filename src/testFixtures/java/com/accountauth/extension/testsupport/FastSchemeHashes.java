package com.accountauth.extension.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * docs/PASSWORDS.md's {@code $sha256$} fast-scheme hash, made without the extension's classes: the test broker and
 * the in-process benchmark keep those off their class path (the broker loads the extension from its ZIP and would
 * find its main class twice).
 */
public final class FastSchemeHashes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private FastSchemeHashes() {
    }

    public static String sha256(final String secret) {
        final byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        try {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            final Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return "$sha256$" + b64.encodeToString(salt) + "$" +
                    b64.encodeToString(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
