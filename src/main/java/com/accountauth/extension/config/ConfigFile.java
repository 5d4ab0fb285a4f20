package com.accountauth.extension.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * conf/config.xml's bytes as read at one moment, with their SHA-256: what a reload compares (a new modification time
 * with the same content is no change) and then parses, so the version compared is the version used.
 *
 * @param path    where it was read
 * @param content the bytes; empty when there is no regular file there (or it could not be read)
 * @param sha256  of the content, hex; "" when there is none
 * @param problem why there is no content ("file not found", or the read's error); "" when there is
 */
public record ConfigFile(Path path, Optional<byte[]> content, String sha256, String problem) {

    /** Reads the file once; never throws: a missing or unreadable file has no content, which the loader refuses. */
    public static ConfigFile read(final Path path) {
        if (!Files.isRegularFile(path)) {
            return new ConfigFile(path, Optional.empty(), "", "file not found");
        }
        try {
            final byte[] bytes = Files.readAllBytes(path);
            return new ConfigFile(path, Optional.of(bytes), sha256(bytes), "");
        } catch (final IOException e) {
            return new ConfigFile(path, Optional.empty(), "", "could not be read: " + e);
        }
    }

    private static String sha256(final byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /** True when both hold the same bytes (or both none). */
    public boolean sameContentAs(final ConfigFile other) {
        return sha256.equals(other.sha256);
    }
}
