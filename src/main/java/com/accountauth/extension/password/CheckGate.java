package com.accountauth.extension.password;

import com.accountauth.extension.metrics.Timing;

import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * Bounds the costly password checks running at once ({@link PasswordFormat#costly}), so the CPU they take stays
 * within the cores while more workers than cores wait on the DB; a check of a cheap format passes straight through.
 * Fair: a check waits behind those that came before it, not behind a flood that came after.
 */
final class CheckGate {

    private final Semaphore permits;
    private final Timing waits;

    /** @param atOnce costly checks at once; 0: no bound */
    CheckGate(final int atOnce, final Timing waits) {
        this.permits = atOnce > 0 ? new Semaphore(atOnce, true) : null;
        this.waits = waits;
    }

    /** Runs the check of a hash in {@code format}, after waiting for its turn if the format is costly. */
    boolean check(final PasswordFormat format, final BooleanSupplier check) {
        if (permits == null || !format.costly()) {
            return check.getAsBoolean();
        }
        final long queued = System.nanoTime();
        permits.acquireUninterruptibly();
        try {
            waits.record(System.nanoTime() - queued);
            return check.getAsBoolean();
        } finally {
            permits.release();
        }
    }

    /** Costly checks that could start now without waiting (for tests); MAX_VALUE without a bound. */
    int available() {
        return permits == null ? Integer.MAX_VALUE : permits.availablePermits();
    }
}
