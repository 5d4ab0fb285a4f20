package com.accountauth.extension.db;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbHealthTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final DbHealth health = new DbHealth(30, nanos::get);

    private void advanceSeconds(final long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void theGraceCountsFromTheFirstFailureNotFromLaterOnes() {
        health.unreachable("first");
        advanceSeconds(20);
        health.unreachable("again");
        advanceSeconds(10);
        assertFalse(health.pastGrace(), "exactly the grace");
        nanos.incrementAndGet();
        assertTrue(health.pastGrace());
        assertEquals(30, health.outageSeconds());
    }

    @Test
    void aStatementThatReachesTheDbEndsTheOutage() {
        health.unreachable("down");
        advanceSeconds(60);
        assertTrue(health.pastGrace());
        health.reached();
        assertFalse(health.unreachable());
        assertFalse(health.pastGrace());
        assertEquals(0, health.outageSeconds());
        health.unreachable("down again");
        assertFalse(health.pastGrace(), "a new outage has its own grace");
    }

    @Test
    void withoutAFailureNothingIsPastTheGrace() {
        advanceSeconds(3600);
        assertFalse(health.unreachable());
        assertFalse(health.pastGrace());
    }

    @Test
    void aGraceOfZeroRefusesAtOnce() {
        final DbHealth none = new DbHealth(0, nanos::get);
        none.unreachable("down");
        nanos.incrementAndGet();
        assertTrue(none.pastGrace());
    }
}
