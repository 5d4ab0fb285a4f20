package com.accountauth.extension.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The bcrypt hashes in src/test/resources/bcrypt/fixtures.tsv, made by PHP, Python's bcrypt and htpasswd. */
public final class BcryptFixtures {

    /** One row: which tool made it, the exact password bytes, the hash. */
    public record Fixture(String source, byte[] password, String hash) {

        public String passwordText() {
            return new String(password, StandardCharsets.UTF_8);
        }
    }

    private BcryptFixtures() {
    }

    public static List<Fixture> all() {
        try (InputStream in = BcryptFixtures.class.getResourceAsStream("/bcrypt/fixtures.tsv")) {
            final List<Fixture> rows = new ArrayList<>();
            final String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    final String[] cells = lines[i].split("\t");
                    rows.add(new Fixture(cells[0], HexFormat.of().parseHex(cells[1]), cells[2].trim()));
                }
            }
            return rows;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hash {@code source} made of {@code password}. */
    public static Fixture of(final String source, final String password) {
        return all().stream()
                .filter(f -> f.source().equals(source) && f.passwordText().equals(password))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + source + " / " + password));
    }
}
