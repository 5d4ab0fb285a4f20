package com.accountauth.extension.password;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** The few encodings the formats use, strict in what they read. */
final class Encoding {

    static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern DECIMAL = Pattern.compile("[1-9][0-9]{0,8}");
    private static final Pattern STANDARD = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    private static final Pattern ADAPTED = Pattern.compile("[A-Za-z0-9./]+");

    private Encoding() {
    }

    static byte[] randomBytes(final int length) {
        final byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A positive decimal without leading zeros, at most 9 digits (so it fits an int). */
    static int decimal(final String text, final String what) throws UnusableHashException {
        if (!DECIMAL.matcher(text).matches()) {
            throw new UnusableHashException(what + " is not a positive decimal number");
        }
        return Integer.parseInt(text);
    }

    /** Standard Base64, padding optional (PHC strings leave it out, mosquitto and Django keep it). */
    static byte[] base64(final String text, final String what) throws UnusableHashException {
        if (!STANDARD.matcher(text).matches() || text.length() % 4 == 1) {
            throw new UnusableHashException(what + " is not Base64");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (final IllegalArgumentException e) {
            throw new UnusableHashException(what + " is not Base64");
        }
    }

    /** passlib's "adapted Base64": '.' for '+', no padding. */
    static byte[] adaptedBase64(final String text, final String what) throws UnusableHashException {
        if (!ADAPTED.matcher(text).matches()) {
            throw new UnusableHashException(what + " is not passlib's adapted Base64");
        }
        return base64(text.replace('.', '+'), what);
    }

    static String base64(final byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String base64NoPadding(final byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    static String adaptedBase64(final byte[] bytes) {
        return base64NoPadding(bytes).replace('+', '.');
    }

    static void length(final byte[] bytes, final int min, final int max, final String what)
            throws UnusableHashException {
        if (bytes.length < min || bytes.length > max) {
            throw new UnusableHashException(what + " has " + bytes.length + " bytes, not " +
                    (min == max ? String.valueOf(min) : min + ".." + max));
        }
    }

    static boolean sameBytes(final byte[] a, final byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
