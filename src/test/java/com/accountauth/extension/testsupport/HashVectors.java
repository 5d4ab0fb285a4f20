package com.accountauth.extension.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The hashes in src/test/resources/passwords/vectors.tsv, made by mosquitto_passwd, passlib, argon2-cffi, PHP and
 * Python's hashlib/hmac (see generate.sh there).
 */
public final class HashVectors {

    /** One row: which tool made it, the format's config name, the exact password bytes, the hash. */
    public record Vector(String source, String format, byte[] passwordBytes, String hash) {

        public String password() {
            return new String(passwordBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return source + " " + hash;
        }
    }

    private HashVectors() {
    }

    public static List<Vector> all() {
        try (InputStream in = HashVectors.class.getResourceAsStream("/passwords/vectors.tsv")) {
            final List<Vector> rows = new ArrayList<>();
            final String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    final String[] cells = lines[i].split("\t");
                    rows.add(new Vector(cells[0], cells[1], HexFormat.of().parseHex(cells[2]), cells[3].trim()));
                }
            }
            return rows;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first row {@code source} made. */
    public static Vector first(final String source) {
        return all().stream().filter(v -> v.source().equals(source)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no vector " + source));
    }
}
