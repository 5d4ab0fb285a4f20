package com.accountauth.extension.password;

import com.accountauth.extension.config.PasswordSettings;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.testsupport.TestPasswords;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A config reload swaps the verifier's policy whole: every check after it reads the new one. */
class PasswordVerifierTest {

    private static final HashSchemes SCHEMES = new HashSchemes(Optional.of(TestPasswords.VECTOR_PEPPER));
    private static final HashTarget PBKDF2 = new HashTarget(PasswordFormat.PBKDF2, 4, 1_000, 64, 1, 1);

    private final PasswordVerifier verifier = TestPasswords.verifier();

    @Test
    void aReloadedTargetMakesTheNewHashesAndTheUpgradesFromThenOn() {
        final String bcrypt = verifier.hashForTarget(Principal.Kind.USER, "pw");
        assertTrue(bcrypt.startsWith("$2a$04$"), bcrypt);
        assertFalse(verifier.needsUpgrade(Principal.Kind.USER, bcrypt));
        final Map<Principal.Kind, KindPolicy> kinds = TestPasswords.defaultPolicies();
        kinds.put(Principal.Kind.USER, new KindPolicy(PasswordSettings.DEFAULT_ACCOUNT_FORMATS, PBKDF2));
        verifier.use(SCHEMES, TestPasswords.LIMITS, kinds);
        assertEquals(PBKDF2, verifier.target(Principal.Kind.USER));
        final String pbkdf2 = verifier.hashForTarget(Principal.Kind.USER, "pw");
        assertTrue(verifier.verify(Principal.Kind.USER, "pw", pbkdf2));
        assertTrue(verifier.needsUpgrade(Principal.Kind.USER, bcrypt), "bcrypt is now below the target");
        assertTrue(verifier.verify(Principal.Kind.USER, "pw", bcrypt), "but still a format users may have");
    }

    @Test
    void aFormatNoLongerAllowedOrABoundLoweredRefusesTheRow() {
        final String hash = verifier.hashForTarget(Principal.Kind.DEVICE, "pw");
        assertTrue(verifier.verify(Principal.Kind.DEVICE, "pw", hash));
        final Map<Principal.Kind, KindPolicy> kinds = TestPasswords.defaultPolicies();
        kinds.put(Principal.Kind.DEVICE, new KindPolicy(Set.of(PasswordFormat.ARGON2ID),
                new HashTarget(PasswordFormat.ARGON2ID, 4, 1_000, 64, 1, 1)));
        verifier.use(SCHEMES, TestPasswords.LIMITS, kinds);
        assertFalse(verifier.verify(Principal.Kind.DEVICE, "pw", hash));
        assertTrue(verifier.unusableHashReason(Principal.Kind.DEVICE, hash).orElseThrow().contains("may not use"));

        verifier.use(SCHEMES, new CostLimits(3, 1_000_000, 131_072, 10, 8), TestPasswords.defaultPolicies());
        assertFalse(verifier.verify(Principal.Kind.DEVICE, "pw", hash), "bcrypt cost 4 over the new bound 3");
        verifier.use(SCHEMES, TestPasswords.LIMITS, TestPasswords.defaultPolicies());
        assertTrue(verifier.verify(Principal.Kind.DEVICE, "pw", hash), "loosened again");
    }

    @Test
    void aPolicyThatCannotBeBuiltKeepsTheRunningOne() {
        final Map<Principal.Kind, KindPolicy> kinds = TestPasswords.defaultPolicies();
        kinds.remove(Principal.Kind.SERVICE);
        assertThrows(IllegalArgumentException.class, () -> verifier.use(SCHEMES, TestPasswords.LIMITS, kinds));
        final String hash = verifier.hashForTarget(Principal.Kind.SERVICE, "pw");
        assertTrue(verifier.verify(Principal.Kind.SERVICE, "pw", hash));
    }
}
