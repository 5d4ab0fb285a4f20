package com.accountauth.extension.password;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.testsupport.BcryptFixtures;
import com.accountauth.extension.testsupport.BcryptFixtures.Fixture;
import com.accountauth.extension.testsupport.TestPasswords;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bcrypt, as before the other formats came, and the strict decoding of the password every format shares. */
class BcryptVerifierTest {

    private static final PasswordVerifier VERIFIER = TestPasswords.verifier();

    private static List<Fixture> fixtures() {
        return BcryptFixtures.all();
    }

    private static String decoded(final byte[] raw) {
        return PasswordVerifier.acceptablePassword(raw).orElseThrow();
    }

    @Test
    void fixturesCoverAllThreePrefixesFromThreeTools() {
        final List<Fixture> rows = fixtures();
        assertEquals(Set.of("$2y$", "$2b$", "$2a$"),
                rows.stream().map(r -> r.hash().substring(0, 4)).collect(Collectors.toSet()));
        assertEquals(Set.of("php-password_hash", "python-bcrypt", "htpasswd", "python-bcrypt-2a"),
                rows.stream().map(Fixture::source).collect(Collectors.toSet()));
    }

    @Test
    void hashesFromPhpPythonAndHtpasswdVerify() {
        for (final Fixture row : fixtures()) {
            assertTrue(VERIFIER.verify(Principal.Kind.USER, decoded(row.password()), row.hash()), row.source() + " " + row.hash());
        }
    }

    @Test
    void aPasswordOneByteOffNeverVerifies() {
        for (final Fixture row : fixtures()) {
            final byte[] wrong = row.password().clone();
            wrong[wrong.length - 1] ^= 0x01;
            final String candidate = PasswordVerifier.acceptablePassword(wrong).orElse(null);
            if (candidate != null) {
                assertFalse(VERIFIER.verify(Principal.Kind.USER, candidate, row.hash()), row.source() + " " + row.hash());
            }
        }
    }

    @Test
    void aPrefixOfTheRightPasswordDoesNotVerify() {
        for (final Fixture row : fixtures()) {
            final String password = decoded(row.password());
            if (password.length() > 1) {
                assertFalse(VERIFIER.verify(Principal.Kind.USER, password.substring(0, password.length() - 1), row.hash()));
            }
        }
    }

    @Test
    void passwordsOverBcryptsLimitAreRefusedNotTruncated() {
        assertTrue(PasswordVerifier.acceptablePassword("A".repeat(72).getBytes(StandardCharsets.US_ASCII))
                .isPresent());
        // 73 bytes share their first 72 with the 72-byte password, so bcrypt alone would accept them
        assertTrue(PasswordVerifier.acceptablePassword("A".repeat(73).getBytes(StandardCharsets.US_ASCII))
                .isEmpty());
        assertTrue(PasswordVerifier.acceptablePassword(new byte[65_535]).isEmpty());
    }

    @Test
    void malformedUtf8IsRefusedNotReplaced() {
        // lenient decoding would turn both into U+FFFD and let one stand for the other
        assertTrue(PasswordVerifier.acceptablePassword(new byte[]{'a', (byte) 0xC3}).isEmpty());
        assertTrue(PasswordVerifier.acceptablePassword(new byte[]{'a', (byte) 0xFF}).isEmpty());
        assertTrue(PasswordVerifier.acceptablePassword(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}).isEmpty());
    }

    @Test
    void nulAndEmptyAndMissingAreRefused() {
        assertTrue(PasswordVerifier.acceptablePassword(new byte[]{'a', 0, 'b'}).isEmpty());
        assertTrue(PasswordVerifier.acceptablePassword(new byte[0]).isEmpty());
        assertTrue(PasswordVerifier.acceptablePassword(null).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "$1$abc$def", "$2x$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            "$2a$10$tooShort", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhW!",
            "$2a$03$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            "$2a$31$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            "{bcrypt}$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"})
    void unusableStoredHashesDenyWithoutThrowing(final String hash) {
        assertTrue(VERIFIER.unusableHashReason(Principal.Kind.USER, hash).isPresent(), hash);
        assertFalse(VERIFIER.verify(Principal.Kind.USER, "anything", hash));
    }

    @Test
    void nullStoredHashDenies() {
        assertFalse(VERIFIER.verify(Principal.Kind.USER, "anything", null));
        assertTrue(VERIFIER.unusableHashReason(Principal.Kind.USER, null).isPresent());
    }

    @Test
    void jbcryptsOwnHashesVerify() {
        final String hash = BCrypt.hashpw("pässwörd", BCrypt.gensalt(4));
        assertTrue(VERIFIER.verify(Principal.Kind.USER, "pässwörd", hash));
        assertFalse(VERIFIER.verify(Principal.Kind.USER, "passwörd", hash));
    }
}
