package com.accountauth.extension.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of one JSON object (strings, whole numbers, null, true/false, arrays, nested objects), written to
 * RFC 8259 for the tests, so that they need no JSON library: what it accepts, a log shipper's parser accepts too. It
 * refuses raw control characters in strings, unknown escapes and anything after the object.
 */
public final class JsonObjects {

    private final String text;
    private int at;

    private JsonObjects(final String text) {
        this.text = text;
    }

    /** The object's fields in order: String, Long, Boolean, null, List or Map values. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(final String text) {
        final JsonObjects parser = new JsonObjects(text);
        final Object value = parser.value();
        parser.space();
        if (parser.at != text.length()) {
            throw parser.error("text after the object");
        }
        if (!(value instanceof Map)) {
            throw parser.error("not an object");
        }
        return (Map<String, Object>) value;
    }

    private Object value() {
        space();
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        final char c = text.charAt(at);
        if (c == '{') {
            return object();
        }
        if (c == '[') {
            return array();
        }
        if (c == '"') {
            return string();
        }
        if (text.startsWith("null", at)) {
            at += 4;
            return null;
        }
        if (text.startsWith("true", at)) {
            at += 4;
            return true;
        }
        if (text.startsWith("false", at)) {
            at += 5;
            return false;
        }
        final int start = at;
        if (c == '-') {
            at++;
        }
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        if (at == start || at == start + 1 && c == '-') {
            throw error("unexpected '" + c + "'");
        }
        return Long.parseLong(text.substring(start, at));
    }

    private Map<String, Object> object() {
        final Map<String, Object> fields = new LinkedHashMap<>();
        at++;
        space();
        if (peek() == '}') {
            at++;
            return fields;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw error("a key must be a string");
            }
            final String key = string();
            space();
            expect(':');
            if (fields.containsKey(key)) {
                throw error("duplicate key " + key);
            }
            fields.put(key, value());
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return fields;
            }
        }
    }

    private List<Object> array() {
        final List<Object> values = new ArrayList<>();
        at++;
        space();
        if (peek() == ']') {
            at++;
            return values;
        }
        while (true) {
            values.add(value());
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return values;
            }
        }
    }

    private String string() {
        expect('"');
        final StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            final char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("raw control character " + (int) c + " in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            final char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw error("unknown escape \\" + e);
            }
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private void expect(final char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private IllegalArgumentException error(final String why) {
        return new IllegalArgumentException(why + " at " + at + " of " + text);
    }
}
