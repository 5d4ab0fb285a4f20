package com.accountauth.extension.auth;

import com.accountauth.extension.cache.ClientIdUses;
import com.accountauth.extension.config.ClientIdSettings;
import com.accountauth.extension.db.DbHealth;
import com.accountauth.extension.testsupport.TestPasswords;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialCheckerTest {

    // an unparseable username is refused before any DB or cache is asked: none is needed here
    private final CredentialChecker checker = new CredentialChecker(null, null, TestPasswords.verifier(), null,
            ClientIdSettings.defaults(Optional.empty(), Optional.empty()), new DbHealth(300, System::nanoTime),
            new ClientIdUses(), false);

    @Test
    void anUnparseableUsernameIsRefusedWithoutLoggingIt() {
        // people type passwords into username fields: the explanation (logged) gives only the length
        final Verdict verdict = checker.check(Optional.of("Tr0ub4dor&3"), "x".getBytes(StandardCharsets.UTF_8),
                "client-1");
        final Verdict.Refused refused = assertInstanceOf(Verdict.Refused.class, verdict);
        assertEquals(Refusal.BAD_CREDENTIALS, refused.reason());
        assertFalse(refused.explanation().contains("Tr0ub4dor"), refused.explanation());
        assertTrue(refused.explanation().contains("11 chars"), refused.explanation());
    }

    @Test
    void aMissingUsernameIsRefusedAsLengthZero() {
        final Verdict.Refused refused = assertInstanceOf(Verdict.Refused.class,
                checker.check(Optional.empty(), null, "client-1"));
        assertEquals(Refusal.BAD_CREDENTIALS, refused.reason());
        assertTrue(refused.explanation().contains("0 chars"), refused.explanation());
    }
}
