package com.accountauth.extension.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression a client id must match in full, with {@code ${{name}}} placeholders that stand for the
 * principal's own values, matched literally (a MAC's ':' or a uid can never act as regex syntax). For example
 * {@code ${{mac}}|${{uid}}} makes a device use its MAC or its uid as client id.
 * <p>
 * It is compiled once, at start: CONNECTs are checked on a broker thread, where a {@code Pattern.compile} per
 * CONNECT would cost every client. The per-principal values are put after the client id, each after a NUL (which no
 * MQTT string may hold); the match runs on the client id's region alone, and a look-ahead beyond it reads the values
 * into groups; each placeholder is a back-reference to its group, which matches its text literally, never as regex
 * syntax. {@code ^} and {@code $} still mean the client id's start and end.
 */
public final class ClientIdPattern {

    /** Placeholders of a device pattern. */
    public static final Set<String> DEVICE_PLACEHOLDERS = Set.of("mac", "uid");
    /** Placeholders of an account pattern. */
    public static final Set<String> ACCOUNT_PLACEHOLDERS = Set.of("id", "email");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{\\{([^}]*)}}");
    private static final char VALUE_MARK = '\0';
    private static final Pattern NUMBERED_BACK_REFERENCE = Pattern.compile("\\\\[1-9]");

    private final String template;
    // the distinct placeholder names in order of first use; value i is read into group "v" + i
    private final List<String> names;
    private final Pattern compiled;

    private ClientIdPattern(final String template, final List<String> names, final Pattern compiled) {
        this.template = template;
        this.names = names;
        this.compiled = compiled;
    }

    /** The pattern, or why it is not a valid one. */
    public static Result parse(final String template, final Set<String> placeholders) {
        final Matcher matcher = PLACEHOLDER.matcher(template);
        final List<String> names = new ArrayList<>();
        final StringBuilder body = new StringBuilder();
        while (matcher.find()) {
            final String name = matcher.group(1);
            if (!placeholders.contains(name)) {
                return new Result(null, "unknown placeholder ${{" + name + "}} (allowed: " +
                        String.join(", ", placeholders.stream().sorted().toList()) + ")");
            }
            if (!names.contains(name)) {
                names.add(name);
            }
            matcher.appendReplacement(body, Matcher.quoteReplacement("\\k<v" + names.indexOf(name) + ">"));
        }
        matcher.appendTail(body);
        if (hasNumberedBackReference(template)) {
            // the value groups come first, so \1 would no longer mean the pattern's own first group
            return new Result(null, "numbered back-references (\\1) are not supported; use a named group " +
                    "(?<name>...) and \\k<name>");
        }
        final StringBuilder regex = new StringBuilder("(?=[^\\x00]*+");
        for (int i = 0; i < names.size(); i++) {
            regex.append("\\x00(?<v").append(i).append(">[^\\x00]*+)");
        }
        regex.append(")(?:").append(body).append(')');
        try {
            Pattern.compile(PLACEHOLDER.matcher(template).replaceAll("x"));
            return new Result(new ClientIdPattern(template, List.copyOf(names), Pattern.compile(regex.toString())),
                    null);
        } catch (final PatternSyntaxException e) {
            return new Result(null, "not a valid regular expression: " + e.getDescription());
        }
    }

    /** True when the client id matches the pattern filled with these values; a missing value never matches. */
    public boolean matches(final String clientId, final Map<String, String> values) {
        if (clientId.indexOf(VALUE_MARK) >= 0) {
            return false; // it would move the values' marks (the broker refuses such ids anyway)
        }
        final StringBuilder input = new StringBuilder(clientId.length() + 64).append(clientId);
        for (final String name : names) {
            final String value = values.get(name);
            if (value == null || value.isEmpty() || value.indexOf(VALUE_MARK) >= 0) {
                return false;
            }
            input.append(VALUE_MARK).append(value);
        }
        // anchoring bounds: '^' and '$' mean the client id's ends; transparent: the look-ahead sees the values
        return compiled.matcher(input).region(0, clientId.length()).useAnchoringBounds(true)
                .useTransparentBounds(true).matches();
    }

    private static boolean hasNumberedBackReference(final String template) {
        // an escaped backslash (\\) is skipped as a pair, so "\\1" (a backslash, then 1) is not one
        for (int i = 0; i < template.length() - 1; i++) {
            if (template.charAt(i) == '\\') {
                if (NUMBERED_BACK_REFERENCE.matcher(template.substring(i, i + 2)).matches()) {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return template;
    }

    /** The same template is the same pattern (compared when config.xml is reloaded). */
    @Override
    public boolean equals(final Object o) {
        return o instanceof ClientIdPattern other && other.template.equals(template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    /** The outcome of {@link #parse}. */
    public record Result(ClientIdPattern pattern, String error) {
        public Optional<ClientIdPattern> asOptional() {
            return Optional.ofNullable(pattern);
        }
    }
}
