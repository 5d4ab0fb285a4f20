package com.accountauth.extension.identity;

import org.mindrot.jbcrypt.BCrypt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks MQTT passwords against bcrypt hashes written by PHP ({@code $2y$}), OpenBSD/Python ({@code $2b$}) or jBCrypt
 * ({@code $2a$}). Up to bcrypt's 72-byte limit the three are the same algorithm, and longer passwords are refused, so
 * a password is accepted only if it is byte for byte the one that was hashed.
 */
public final class PasswordVerifier {

    /** bcrypt reads at most this many bytes; beyond it two different passwords would verify alike. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private static final Pattern BCRYPT = Pattern.compile("\\$2([aby])\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final int MIN_COST = 4;

    private final int maxCost;
    private final String dummyHash;

    /**
     * @param maxCost   stored hashes of a higher cost are refused, so one bad row cannot stall the workers
     * @param dummyCost the cost of the hash checked for unknown users, to take as long as a real check
     */
    public PasswordVerifier(final int maxCost, final int dummyCost) {
        this.maxCost = maxCost;
        this.dummyHash = BCrypt.hashpw("account-auth dummy password", BCrypt.gensalt(dummyCost));
    }

    /**
     * Decodes the password bytes strictly: empty when missing, empty, longer than 72 bytes, holding NUL (C-based
     * bcrypt stops there) or not valid UTF-8 (a lenient decoder would map different bytes to one string).
     */
    public static Optional<String> acceptablePassword(final byte[] raw) {
        if (raw == null || raw.length == 0 || raw.length > MAX_PASSWORD_BYTES) {
            return Optional.empty();
        }
        for (final byte b : raw) {
            if (b == 0) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString());
        } catch (final CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Why a stored hash cannot be used, or empty when it can. */
    public Optional<String> unusableHashReason(final String storedHash) {
        if (storedHash == null || storedHash.isEmpty()) {
            return Optional.of("no password hash is stored");
        }
        final Matcher matcher = BCRYPT.matcher(storedHash);
        if (!matcher.matches()) {
            return Optional.of("the stored password hash is not a bcrypt hash ($2a$, $2b$ or $2y$)");
        }
        final int cost = Integer.parseInt(matcher.group(2));
        if (cost < MIN_COST || cost > maxCost) {
            return Optional.of("the stored bcrypt hash has cost " + cost + ", outside " + MIN_COST + ".." + maxCost);
        }
        return Optional.empty();
    }

    /**
     * True when the password matches the stored hash. A hash that {@link #unusableHashReason} refuses never matches;
     * the check then still costs a dummy bcrypt so that it takes as long as a real one.
     */
    public boolean verify(final String password, final String storedHash) {
        if (unusableHashReason(storedHash).isPresent()) {
            burnDummyCheck(password);
            return false;
        }
        // $2y$ (PHP) and $2b$ (OpenBSD) differ from $2a$ only for passwords over 255 bytes, which never get here
        final String normalized = "$2a$" + storedHash.substring(4);
        try {
            final String computed = BCrypt.hashpw(password, normalized);
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                    normalized.getBytes(StandardCharsets.US_ASCII));
        } catch (final RuntimeException e) {
            return false;
        }
    }

    /** Spends one bcrypt check on nothing, for unknown usernames and refused input. */
    public void burnDummyCheck(final String password) {
        BCrypt.hashpw(password == null ? "" : password, dummyHash);
    }
}
