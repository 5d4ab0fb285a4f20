package com.accountauth.extension.identity;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression a client id must match in full, with {@code ${{name}}} placeholders that stand for the
 * principal's own values, quoted (a MAC's ':' or a uid can never act as regex syntax). For example
 * {@code ${{mac}}|${{uid}}} makes a device use its MAC or its uid as client id.
 */
public final class ClientIdPattern {

    /** Placeholders of a device pattern. */
    public static final Set<String> DEVICE_PLACEHOLDERS = Set.of("mac", "uid");
    /** Placeholders of an account pattern. */
    public static final Set<String> ACCOUNT_PLACEHOLDERS = Set.of("id", "email");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{\\{([^}]*)}}");

    private final String template;

    private ClientIdPattern(final String template) {
        this.template = template;
    }

    /** The pattern, or why it is not a valid one. */
    public static Result parse(final String template, final Set<String> placeholders) {
        final Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            if (!placeholders.contains(matcher.group(1))) {
                return new Result(null, "unknown placeholder ${{" + matcher.group(1) + "}} (allowed: " +
                        String.join(", ", placeholders.stream().sorted().toList()) + ")");
            }
        }
        try {
            Pattern.compile(PLACEHOLDER.matcher(template).replaceAll("x"));
        } catch (final PatternSyntaxException e) {
            return new Result(null, "not a valid regular expression: " + e.getDescription());
        }
        return new Result(new ClientIdPattern(template), null);
    }

    /** True when the client id matches the pattern filled with these values; a missing value never matches. */
    public boolean matches(final String clientId, final Map<String, String> values) {
        final Matcher matcher = PLACEHOLDER.matcher(template);
        final StringBuilder regex = new StringBuilder();
        while (matcher.find()) {
            final String value = values.get(matcher.group(1));
            if (value == null || value.isEmpty()) {
                return false;
            }
            matcher.appendReplacement(regex, Matcher.quoteReplacement(Pattern.quote(value)));
        }
        matcher.appendTail(regex);
        return Pattern.compile(regex.toString()).matcher(clientId).matches();
    }

    @Override
    public String toString() {
        return template;
    }

    /** The outcome of {@link #parse}. */
    public record Result(ClientIdPattern pattern, String error) {
        public Optional<ClientIdPattern> asOptional() {
            return Optional.ofNullable(pattern);
        }
    }
}
