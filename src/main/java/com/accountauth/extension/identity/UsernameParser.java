package com.accountauth.extension.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Classifies an MQTT username: a MAC address (any case, ':' or '-' between the six octets) is a device, anything with
 * a single '@' is an account's email, everything else is refused.
 */
public final class UsernameParser {

    /** The longest email address SMTP allows (RFC 5321). */
    public static final int MAX_EMAIL_LENGTH = 254;

    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}");

    private UsernameParser() {
    }

    /** The lookup key for the username, or empty when it is neither a MAC nor a plausible email. */
    public static Optional<LoginName> parse(final String username) {
        if (username == null || username.isEmpty() || username.length() > MAX_EMAIL_LENGTH) {
            return Optional.empty();
        }
        if (MAC.matcher(username).matches()) {
            return Optional.of(new LoginName(LoginName.Kind.DEVICE,
                    username.replace('-', ':').toUpperCase(Locale.ROOT)));
        }
        final int at = username.indexOf('@');
        if (at <= 0 || at != username.lastIndexOf('@') || at == username.length() - 1) {
            return Optional.empty();
        }
        for (int i = 0; i < username.length(); i++) {
            final char c = username.charAt(i);
            // no whitespace or control characters: 'ALICE@x.com ' must not reach a PAD SPACE collation
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)
                    || Character.isSurrogate(c) && !validSurrogateAt(username, i)) {
                return Optional.empty();
            }
        }
        return Optional.of(new LoginName(LoginName.Kind.ACCOUNT, username.toLowerCase(Locale.ROOT)));
    }

    private static boolean validSurrogateAt(final String s, final int i) {
        final char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
