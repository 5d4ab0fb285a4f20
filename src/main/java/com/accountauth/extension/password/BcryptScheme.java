package com.accountauth.extension.password;

import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bcrypt as PHP ({@code $2y$}), OpenBSD/Python ({@code $2b$}) or jBCrypt ({@code $2a$}) write it. Up to bcrypt's
 * 72-byte limit the three are one algorithm; longer passwords never get here ({@link PasswordVerifier}).
 */
final class BcryptScheme {

    static final int MIN_COST = 4;
    private static final Pattern BCRYPT = Pattern.compile("\\$2([aby])\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

    private BcryptScheme() {
    }

    static boolean claims(final String stored) {
        return stored.startsWith("$2");
    }

    static StoredHash parse(final String stored) throws UnusableHashException {
        final Matcher matcher = BCRYPT.matcher(stored);
        if (!matcher.matches()) {
            throw new UnusableHashException("not a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters)");
        }
        final int cost = Integer.parseInt(matcher.group(2));
        if (cost < MIN_COST || cost > 31) {
            throw new UnusableHashException("bcrypt cost " + cost + " is outside " + MIN_COST + "..31");
        }
        return new Hash("$2a$" + stored.substring(4), cost);
    }

    static String make(final String password, final int cost) {
        return BCrypt.hashpw(password, BCrypt.gensalt(cost, Encoding.RANDOM));
    }

    /** @param normalized the hash as {@code $2a$}: $2y$ and $2b$ differ from it only beyond 255 bytes */
    private record Hash(String normalized, int costValue) implements StoredHash {

        @Override
        public PasswordFormat format() {
            return PasswordFormat.BCRYPT;
        }

        @Override
        public String cost() {
            return "bcrypt cost " + costValue;
        }

        @Override
        public Optional<String> beyond(final CostLimits limits) {
            return costValue > limits.maxBcryptCost() ?
                    Optional.of(cost() + " is over <max-bcrypt-cost> " + limits.maxBcryptCost()) : Optional.empty();
        }

        @Override
        public boolean weakerThan(final HashTarget target) {
            return target.format() != PasswordFormat.BCRYPT || costValue < target.bcryptCost();
        }

        @Override
        public boolean matches(final String password) {
            try {
                final String computed = BCrypt.hashpw(password, normalized);
                return Encoding.sameBytes(computed.getBytes(StandardCharsets.US_ASCII),
                        normalized.getBytes(StandardCharsets.US_ASCII));
            } catch (final RuntimeException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return cost();
        }
    }
}
