package com.accountauth.extension.config;

/**
 * Counts the {@code ?} parameters of an SQL statement as MySQL and MariaDB read it: a {@code ?} inside a quoted
 * string or identifier ({@code '...'}, {@code "..."}, {@code `...`}) or a comment ({@code -- }, {@code #} or
 * C-style) is text, not a parameter. Quotes are escaped by doubling them or with a backslash.
 */
final class SqlParameters {

    private SqlParameters() {
    }

    static int count(final String sql) {
        int parameters = 0;
        int i = 0;
        while (i < sql.length()) {
            final char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = afterQuoted(sql, i, c);
            } else if (c == '#' || c == '-' && startsLineComment(sql, i)) {
                i = afterLine(sql, i);
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                final int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
            } else {
                if (c == '?') {
                    parameters++;
                }
                i++;
            }
        }
        return parameters;
    }

    /** The index after the literal that opens at {@code start}; the end of the text when it is never closed. */
    private static int afterQuoted(final String sql, final int start, final char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            final char c = sql.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2; // a doubled quote stands for itself
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** MySQL: "--" starts a comment only when a space, a control character or the end of the text follows. */
    private static boolean startsLineComment(final String sql, final int i) {
        return i + 1 < sql.length() && sql.charAt(i + 1) == '-'
                && (i + 2 == sql.length() || sql.charAt(i + 2) <= ' ');
    }

    private static int afterLine(final String sql, final int start) {
        final int end = sql.indexOf('\n', start);
        return end < 0 ? sql.length() : end + 1;
    }
}
