package com.accountauth.extension.password;

import com.accountauth.extension.metrics.Timing;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckGateTest {

    @Test
    void costlyChecksRunAtMostTheBoundAtOnceAndCheapOnesPassWhileItIsTaken() throws Exception {
        final CheckGate gate = new CheckGate(1, Timing.NONE);
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Boolean> bcrypt = CompletableFuture.supplyAsync(() ->
                gate.check(PasswordFormat.BCRYPT, () -> {
                    running.countDown();
                    await(release);
                    return true;
                }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertEquals(0, gate.available(), "the one bcrypt check holds the gate");
        // a fast-scheme CONNECT does not queue behind the bcrypt work
        assertTrue(gate.check(PasswordFormat.FAST, () -> true));
        assertTrue(gate.check(PasswordFormat.MOSQUITTO_SHA512, () -> true));
        release.countDown();
        assertTrue(bcrypt.get(10, TimeUnit.SECONDS));
        assertEquals(1, gate.available());
    }

    @Test
    void aFailingCheckGivesItsTurnBack() {
        final CheckGate gate = new CheckGate(1, Timing.NONE);
        try {
            gate.check(PasswordFormat.ARGON2ID, () -> {
                throw new IllegalStateException("broken hash");
            });
        } catch (final IllegalStateException expected) {
            // the verifier catches it; the gate only has to give the permit back
        }
        assertEquals(1, gate.available());
        assertFalse(gate.check(PasswordFormat.PBKDF2, () -> false));
    }

    @Test
    void everyCostlyFormatIsBoundedAndTheCheapOnesAreNot() {
        assertTrue(PasswordFormat.BCRYPT.costly());
        assertTrue(PasswordFormat.PBKDF2.costly());
        assertTrue(PasswordFormat.ARGON2ID.costly());
        assertFalse(PasswordFormat.FAST.costly());
        assertFalse(PasswordFormat.MOSQUITTO_SHA512.costly());
    }

    private static void await(final CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
