package com.accountauth.extension.password;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The hashes this node rewrote on login (upgrade on login): the new hash stands for the same password as the old
 * one. The UPDATE fires the live-change feed like any password change; with this, a connection that logged in with
 * the old hash is not taken for one whose password changed (and is not disconnected). Another node does not know of
 * the rewrite: its connections of that principal are disconnected once, and reconnect against the new hash.
 * <p>
 * Keeps 128-bit digests of the hashes, not the hashes, and at most {@link #MAX_ENTRIES} rewrites (the oldest go
 * first: a connection older than that is disconnected once at its principal's next change).
 */
public final class Rehashes {

    public static final int MAX_ENTRIES = 200_000;
    /** Rewrites in a row followed back, should a target be raised twice while a connection stays. */
    private static final int MAX_CHAIN = 4;

    private final Cache<String, Entry> byNewHash = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    private record Entry(String principalKey, String oldHash) {
    }

    /** Notes that {@code newHash} replaces {@code oldHash} for the principal; before the row is written. */
    public void record(final String principalKey, final String oldHash, final String newHash) {
        byNewHash.put(digest(newHash), new Entry(principalKey, digest(oldHash)));
    }

    /** Forgets a rewrite that was not written after all. */
    public void forget(final String newHash) {
        byNewHash.invalidate(digest(newHash));
    }

    /**
     * True when a connection that logged in against {@code held} may stay now that the row holds {@code current}:
     * the same hash, or one this node wrote in its place (same password).
     */
    public boolean sameSecret(final String principalKey, final String held, final String current) {
        if (Objects.equals(held, current)) {
            return true;
        }
        if (held == null || current == null) {
            return false;
        }
        final String wanted = digest(held);
        String at = digest(current);
        for (int step = 0; step < MAX_CHAIN; step++) {
            final Entry entry = byNewHash.getIfPresent(at);
            if (entry == null || !entry.principalKey().equals(principalKey)) {
                return false;
            }
            if (entry.oldHash().equals(wanted)) {
                return true;
            }
            at = entry.oldHash();
        }
        return false;
    }

    private static String digest(final String hash) {
        try {
            final byte[] full = MessageDigest.getInstance("SHA-256").digest(hash.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
