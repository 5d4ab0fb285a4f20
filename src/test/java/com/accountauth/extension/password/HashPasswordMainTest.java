package com.accountauth.extension.password;

import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.testsupport.TestPasswords;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashPasswordMainTest {

    private static final String PEPPER = "test-pepper-0123456789abcdef";

    private record Run(int status, String out, String err) {
    }

    private static Run run(final String stdin, final String... args) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = HashPasswordMain.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                PEPPER);
        return new Run(status, out.toString(StandardCharsets.UTF_8).trim(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hashPasswordReadsStandardInputLessOneLineBreakInEachFormat() throws IOException {
        final PasswordVerifier verifier = TestPasswords.verifier();
        for (final String format : new String[]{"bcrypt", "pbkdf2", "argon2id", "fast"}) {
            final Run run = run("pässwörd\n", "hash-password", "--format", format, "--cost", "4", "--iterations",
                    "2", "--memory-kib", "64");
            assertEquals(0, run.status(), run.err());
            assertTrue(verifier.verify(Principal.Kind.DEVICE, "pässwörd", run.out()), format + ": " + run.out());
            assertFalse(verifier.verify(Principal.Kind.DEVICE, "pässwörd\n", run.out()), format);
        }
    }

    @Test
    void theFastSchemeUsesThePepperFromTheEnvironment() throws IOException {
        assertTrue(run("x", "hash-password", "--format", "fast").out()
                .startsWith("$hmac-sha256$" + TestPasswords.VECTOR_PEPPER.id() + "$"));
    }

    @Test
    void provisionDevicePrintsA128BitSecretAndItsFastHash() throws IOException {
        final Run run = run("", "provision-device");
        assertEquals(0, run.status());
        final String[] lines = run.out().split("\n");
        final String secret = lines[0].substring("secret: ".length());
        final String hash = lines[1].substring("hash:   ".length());
        assertTrue(secret.matches("[A-Za-z0-9_-]{22}"), secret);
        assertTrue(TestPasswords.verifier().verify(Principal.Kind.DEVICE, secret, hash), hash);
        assertTrue(TestPasswords.verifier().unusableHashReason(Principal.Kind.USER, hash).isPresent(),
                "a device secret's hash is refused for a user");
    }

    @Test
    void aPasswordNoConnectCouldUseAndBadOptionsAreRefused() throws IOException {
        assertEquals(2, run("", "hash-password").status());
        assertEquals(2, run("A".repeat(73), "hash-password").status());
        assertEquals(2, run("a\0b", "hash-password").status());
        assertEquals(2, run("x", "hash-password", "--format", "md5").status());
        assertEquals(2, run("x", "hash-password", "--format", "mosquitto-sha512").status());
        assertEquals(2, run("x", "hash-password", "--cost", "3").status());
        assertEquals(2, run("x", "hash-password", "--cost").status());
        assertEquals(2, run("x", "hash-password", "s3cret").status(), "a password on the command line is refused");
    }
}
