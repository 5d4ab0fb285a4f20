package com.accountauth.extension.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topic filter with {@code ${{name}}} placeholders, filled per principal with values from the account DB. A value
 * that could widen or reshape the filter (a level separator, a wildcard, NUL or another control character) is never
 * filled in: {@link #fill} answers empty instead.
 */
public final class TopicTemplate {

    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("vendor", "model", "uid", "mac");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{\\{([^}]*)}}");
    private static final int MAX_VALUE_LENGTH = 256;

    private final String text;
    private final List<String> names;

    private TopicTemplate(final String text, final List<String> names) {
        this.text = text;
        this.names = names;
    }

    /**
     * Parses a template and checks it against the placeholders it may use.
     *
     * @return the template, or the reason it is not one
     */
    public static Result parse(final String text, final Set<String> allowedPlaceholders) {
        final Matcher matcher = PLACEHOLDER.matcher(text);
        final List<String> names = new ArrayList<>();
        while (matcher.find()) {
            final String name = matcher.group(1);
            if (!allowedPlaceholders.contains(name)) {
                return new Result(null, "unknown placeholder ${{" + name + "}}" +
                        (allowedPlaceholders.isEmpty() ? " (this kind takes none)" :
                                " (allowed: " + String.join(", ", allowedPlaceholders.stream().sorted().toList()) + ")"));
            }
            names.add(name);
        }
        // a sample fill must give a valid filter, so a broken template is caught at start, not at connect
        final String sample = PLACEHOLDER.matcher(text).replaceAll("x");
        if (sample.contains("${{")) {
            return new Result(null, "unterminated placeholder");
        }
        if (TopicFilter.parse(sample).isEmpty()) {
            return new Result(null, "'" + text + "' is not a valid MQTT topic filter");
        }
        return new Result(new TopicTemplate(text, List.copyOf(names)), null);
    }

    /** Fills the template; empty when a value is missing or unsafe, so the permission is dropped, never widened. */
    public Optional<TopicFilter> fill(final Map<String, String> values) {
        String result = text;
        for (final String name : names) {
            final String value = values.get(name);
            if (!isSafeValue(value)) {
                return Optional.empty();
            }
            result = result.replace("${{" + name + "}}", value);
        }
        return TopicFilter.parse(result);
    }

    /** True when a value can stand inside one topic level without changing the filter's shape. */
    public static boolean isSafeValue(final String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '/' || c == '+' || c == '#' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    /** The same text is the same template: a reloaded config.xml with unchanged templates changes no grant. */
    @Override
    public boolean equals(final Object o) {
        return o instanceof TopicTemplate other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The outcome of {@link #parse}: a template or an error message. */
    public record Result(TopicTemplate template, String error) {
        public boolean ok() {
            return template != null;
        }
    }
}
