package com.accountauth.extension.util;

import java.util.List;

/**
 * One JSON object on one line, for log shippers: every string escaped so that no client-supplied text (quotes,
 * backslashes, control characters, line separators, broken UTF-16) can end the line or the string early. Text the
 * client chose ({@link #clientField}, arrays) is capped like {@link LogSafe}, so that a 64 KB client id does not make
 * a 64 KB line.
 */
public final class JsonLine {

    private static final int MAX = 80;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(160).append('{');

    /** A string field of the extension's own making (an explanation, a principal); null gives JSON null. */
    public JsonLine field(final String name, final String value) {
        return string(name, value, Integer.MAX_VALUE);
    }

    /** A string field the client chose (a client id), capped at 80 code points and {@code ...}. */
    public JsonLine clientField(final String name, final String value) {
        return string(name, value, MAX);
    }

    private JsonLine string(final String name, final String value, final int max) {
        key(name);
        if (value == null) {
            out.append("null");
        } else {
            quote(value, max);
        }
        return this;
    }

    public JsonLine field(final String name, final long value) {
        key(name);
        out.append(value);
        return this;
    }

    /** An array of strings the client chose, each capped. */
    public JsonLine field(final String name, final List<String> values) {
        key(name);
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            quote(values.get(i), MAX);
        }
        out.append(']');
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }

    private void key(final String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        quote(name, MAX);
        out.append(':');
    }

    private void quote(final String value, final int max) {
        out.append('"');
        int codePoints = 0;
        for (int i = 0; i < value.length(); i++) {
            if (codePoints++ == max) {
                out.append("...");
                break;
            }
            final char c = value.charAt(i);
            final boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                out.append(c).append(value.charAt(++i)); // a whole code point beyond the BMP, as it is
            } else if (Character.isSurrogate(c)) {
                out.append("\\ufffd"); // half a pair is no character: strict parsers refuse it
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                // also DEL, C1 controls and JavaScript's line separators: none may break a shipper's line
                out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                        .append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
