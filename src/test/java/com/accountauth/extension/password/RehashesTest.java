package com.accountauth.extension.password;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RehashesTest {

    private final Rehashes rehashes = new Rehashes();

    @Test
    void aRewriteOfThisNodeIsTheSameSecretForItsPrincipalOnly() {
        rehashes.record("device:1", "$7$old", "$sha256$new");
        assertTrue(rehashes.sameSecret("device:1", "$7$old", "$sha256$new"));
        assertFalse(rehashes.sameSecret("device:2", "$7$old", "$sha256$new"));
        assertFalse(rehashes.sameSecret("device:1", "$7$other", "$sha256$new"));
        assertFalse(rehashes.sameSecret("device:1", "$7$old", "$sha256$admin-set"), "an admin's new password");
    }

    @Test
    void equalHashesAreTheSameAndNullIsOnlyItself() {
        assertTrue(rehashes.sameSecret("device:1", "$2a$x", "$2a$x"));
        assertTrue(rehashes.sameSecret("device:1", null, null));
        assertFalse(rehashes.sameSecret("device:1", "$2a$x", null));
        assertFalse(rehashes.sameSecret("device:1", null, "$2a$x"));
    }

    @Test
    void rewritesInARowAreFollowedBackAndAForgottenOneIsNot() {
        rehashes.record("device:1", "a", "b");
        rehashes.record("device:1", "b", "c");
        assertTrue(rehashes.sameSecret("device:1", "a", "c"));
        rehashes.forget("c");
        assertFalse(rehashes.sameSecret("device:1", "a", "c"));
        assertTrue(rehashes.sameSecret("device:1", "a", "b"));
    }
}
