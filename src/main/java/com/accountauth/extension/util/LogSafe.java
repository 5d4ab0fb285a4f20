package com.accountauth.extension.util;

/** Makes client-supplied text safe for one log line: control characters escaped, length capped. */
public final class LogSafe {

    private static final int MAX = 80;

    private LogSafe() {
    }

    /** The value in quotes, printable, at most 80 code points; {@code <none>} for null. */
    public static String of(final String value) {
        if (value == null) {
            return "<none>";
        }
        final StringBuilder out = new StringBuilder(Math.min(value.length(), MAX) + 2).append('\'');
        final int[] codePoints = value.codePoints().limit(MAX).toArray();
        for (final int cp : codePoints) {
            if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        }
        if (value.codePointCount(0, value.length()) > MAX) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
