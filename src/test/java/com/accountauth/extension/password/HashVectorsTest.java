package com.accountauth.extension.password;

import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.testsupport.HashVectors;
import com.accountauth.extension.testsupport.HashVectors.Vector;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.TestPasswords;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every format against the hashes the tools that make them in the wild made (src/test/resources/passwords/). */
class HashVectorsTest {

    private static final HashSchemes SCHEMES = new HashSchemes(Optional.of(TestPasswords.VECTOR_PEPPER));
    /** Every format allowed for every kind: what is checked here is the format, not the policy. */
    private static final PasswordVerifier VERIFIER = new PasswordVerifier(SCHEMES, TestPasswords.LIMITS,
            everyFormatForEveryone());
    private static final Principal.Kind KIND = Principal.Kind.DEVICE;

    private static Map<Principal.Kind, KindPolicy> everyFormatForEveryone() {
        final Map<Principal.Kind, KindPolicy> kinds = new EnumMap<>(Principal.Kind.class);
        for (final Principal.Kind kind : Principal.Kind.values()) {
            kinds.put(kind, new KindPolicy(EnumSet.allOf(PasswordFormat.class),
                    new HashTarget(PasswordFormat.BCRYPT, 4, 1000, 64, 1, 1)));
        }
        return kinds;
    }

    private static List<Vector> vectors() {
        return HashVectors.all();
    }

    /** Without the rows at the tools' default costs (a second or so each): for the tests that try each row often. */
    private static List<Vector> cheapVectors() {
        return HashVectors.all().stream()
                .filter(v -> !v.source().endsWith("-default") && !v.source().endsWith("-600000")).toList();
    }

    @Test
    void theVectorsComeFromEveryTool() {
        assertEquals(Set.of("mosquitto_passwd-sha512-pbkdf2", "mosquitto_passwd-sha512", "passlib-pbkdf2_sha256",
                        "passlib-pbkdf2_sha256-default", "passlib-pbkdf2_sha512", "passlib-django_pbkdf2_sha256",
                        "hashlib-django-600000", "argon2-cffi", "argon2-cffi-default", "php-password_hash-argon2id",
                        "php-password_hash-argon2id-default", "hashlib-fast-sha256", "hmac-fast-hmac-sha256"),
                vectors().stream().map(Vector::source).collect(Collectors.toSet()));
    }

    @Test
    void eachHashIsReadAsTheFormatItsToolWrites() throws UnusableHashException {
        for (final Vector v : vectors()) {
            assertEquals(v.format(), SCHEMES.parse(v.hash()).format().configName(), v.toString());
        }
    }

    @Test
    void theRightPasswordVerifies() {
        for (final Vector v : vectors()) {
            assertTrue(VERIFIER.verify(KIND, v.password(), v.hash()), v.toString());
        }
    }

    @Test
    void aPasswordOneBitOffDoesNotVerify() {
        for (final Vector v : cheapVectors()) {
            final byte[] wrong = v.passwordBytes().clone();
            wrong[0] ^= 0x01;
            assertFalse(VERIFIER.verify(KIND, new String(wrong, java.nio.charset.StandardCharsets.UTF_8), v.hash()),
                    v.toString());
        }
    }

    @Test
    void aTruncatedHashIsRefusedAndNeverMatches() {
        for (final Vector v : cheapVectors()) {
            final String truncated = v.hash().substring(0, v.hash().length() - 4);
            assertFalse(VERIFIER.verify(KIND, v.password(), truncated), v.toString());
        }
    }

    @Test
    void aHashWhoseCostWasChangedDoesNotVerify() {
        for (final Vector v : cheapVectors()) {
            final String other = v.hash().replaceFirst("\\$101\\$", "\\$102\\$")
                    .replaceFirst("\\$1000\\$", "\\$1001\\$")
                    .replaceFirst("\\$29000\\$", "\\$29001\\$").replaceFirst("\\$600000\\$", "\\$600001\\$")
                    .replaceFirst(",t=2,", ",t=3,").replaceFirst(",t=4,", ",t=3,");
            if (!other.equals(v.hash())) {
                assertFalse(VERIFIER.verify(KIND, v.password(), other), v.toString());
            }
        }
    }

    @Test
    void aForeignPrefixIsRefusedAndNeverMatches() {
        for (final Vector v : cheapVectors()) {
            final String body = v.hash().substring(v.hash().indexOf('$', 1) + 1);
            for (final String prefix : List.of("$7$", "$6$", "$pbkdf2-sha256$", "$pbkdf2-sha512$", "pbkdf2_sha256$",
                    "$argon2id$", "$argon2i$", "$sha256$", "$hmac-sha256$", "$2y$", "$5$", "{SSHA}")) {
                if (!v.hash().startsWith(prefix)) {
                    assertFalse(VERIFIER.verify(KIND, v.password(), prefix + body), prefix + body);
                }
            }
        }
    }

    @Test
    void malformedHashesAreRefusedWithAReasonAndAWarningNotAnException() {
        final List<String> malformed = List.of("$7$0$AAAA$AAAA", "$7$101$!!!!$AAAA", "$7$101$qFZ1wylvK0+hIjdU$AAAA",
                "$6$rounds=5000$saltsalt$abc", "$6$saltsalt$" + "a".repeat(86),
                "$pbkdf2-sha256$1000$salt", "pbkdf2_sha256$01000$salt$AAAA",
                "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$AAAAAA",
                "$argon2id$v=19$m=4,t=1,p=1$c2FsdHNhbHQ$AAAAAA", "$argon2id$v=19$t=1,m=64,p=1$c2FsdHNhbHQ$AAAAAA",
                "$sha256$c2FsdHNhbHQ$AAAA", "$hmac-sha256$deadbeef$c2FsdHNhbHQ$" + "A".repeat(43),
                "$hmac-sha256$XYZ$c2FsdHNhbHQ$" + "A".repeat(43), "plain", "");
        try (LogCapture log = new LogCapture()) {
            for (final String hash : malformed) {
                assertTrue(VERIFIER.unusableHashReason(KIND, hash).isPresent(), hash);
                assertFalse(VERIFIER.verify(KIND, "anything", hash), hash);
            }
            assertTrue(log.contains("WARN account-auth: a stored password hash of a device was refused"),
                    String.join("\n", log.lines()));
        }
    }

    @Test
    void aPepperMismatchIsNamedAsSuch() {
        final String hash = HashVectors.first("hmac-fast-hmac-sha256").hash();
        final PasswordVerifier otherPepper = new PasswordVerifier(
                new HashSchemes(Optional.of(new Pepper("another-pepper-0123456789"))), TestPasswords.LIMITS,
                everyFormatForEveryone());
        assertTrue(otherPepper.unusableHashReason(KIND, hash).orElseThrow().contains("made with pepper"));
        final PasswordVerifier noPepper = new PasswordVerifier(new HashSchemes(Optional.empty()),
                TestPasswords.LIMITS, everyFormatForEveryone());
        assertTrue(noPepper.unusableHashReason(KIND, hash).orElseThrow().contains("no <passwords><pepper>"));
        assertTrue(noPepper.verify(KIND, HashVectors.first("hashlib-fast-sha256").password(),
                HashVectors.first("hashlib-fast-sha256").hash()), "a $sha256$ row needs no pepper");
    }

    @Test
    void hashesBeyondTheirCostBoundsAreRefusedWithoutBeingChecked() {
        final PasswordVerifier strict = new PasswordVerifier(SCHEMES, new CostLimits(10, 28_999, 65_535, 3, 4),
                everyFormatForEveryone());
        for (final String source : List.of("passlib-pbkdf2_sha256-default", "hashlib-django-600000",
                "argon2-cffi-default", "php-password_hash-argon2id-default")) {
            final Vector v = HashVectors.first(source);
            final Optional<String> reason = strict.unusableHashReason(KIND, v.hash());
            assertTrue(reason.isPresent() && reason.get().contains("<max-"), source + ": " + reason);
            assertFalse(strict.verify(KIND, v.password(), v.hash()), source);
        }
        assertTrue(strict.unusableHashReason(KIND, "$2a$11$" + "a".repeat(53)).orElseThrow()
                .contains("<max-bcrypt-cost> 10"));
        // at the bound is within it
        assertTrue(strict.verify(KIND, HashVectors.first("argon2-cffi").password(),
                HashVectors.first("argon2-cffi").hash()));
    }

    @Test
    void aHashMadeForTheTargetNeedsNoUpgradeAndOneBelowItDoes() throws UnusableHashException {
        for (final PasswordFormat format : EnumSet.of(PasswordFormat.BCRYPT, PasswordFormat.PBKDF2,
                PasswordFormat.ARGON2ID, PasswordFormat.FAST)) {
            final HashTarget target = new HashTarget(format, 5, 2000, 128, 2, 1);
            final String made = SCHEMES.make(target, "pässwörd");
            final StoredHash parsed = SCHEMES.parse(made);
            assertEquals(format, parsed.format(), made);
            assertTrue(parsed.matches("pässwörd"), made);
            assertFalse(parsed.matches("passwörd"), made);
            assertFalse(parsed.weakerThan(target), "no upgrade loop: " + made);
            for (final Vector v : vectors()) {
                if (!v.format().equals(format.configName()) && !v.format().equals("fast")) {
                    assertTrue(SCHEMES.parse(v.hash()).weakerThan(target), v + " vs " + format);
                }
            }
        }
        assertTrue(SCHEMES.parse(SCHEMES.make(new HashTarget(PasswordFormat.BCRYPT, 4, 1, 8, 1, 1), "p"))
                .weakerThan(new HashTarget(PasswordFormat.BCRYPT, 5, 1, 8, 1, 1)));
        assertTrue(SCHEMES.parse(HashVectors.first("hashlib-fast-sha256").hash())
                .weakerThan(HashTarget.defaults(PasswordFormat.FAST)), "with a pepper at hand, $sha256$ is weaker");
        assertFalse(SCHEMES.parse(HashVectors.first("hmac-fast-hmac-sha256").hash())
                .weakerThan(HashTarget.defaults(PasswordFormat.BCRYPT)), "a fast hash is never made slow");
    }

    @Test
    void newPbkdf2HashesAreOnesPasslibReads() throws UnusableHashException {
        final String made = SCHEMES.make(new HashTarget(PasswordFormat.PBKDF2, 4, 1234, 8, 1, 1), "x");
        assertTrue(made.startsWith("$pbkdf2-sha512$1234$"), made);
        assertTrue(made.matches("\\$pbkdf2-sha512\\$1234\\$[A-Za-z0-9./]{22}\\$[A-Za-z0-9./]{86}"), made);
    }
}
