package com.accountauth.extension.util;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RateLimitedLogTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final RateLimitedLog log = new RateLimitedLog(100, now::get);

    @Test
    void theFirstLineGoesThrough() {
        assertEquals(0, log.tryAcquire());
    }

    @Test
    void linesWithinTheIntervalAreHeldBackAndCounted() {
        assertEquals(0, log.tryAcquire());
        now.addAndGet(50);
        assertEquals(-1, log.tryAcquire());
        assertEquals(-1, log.tryAcquire());
        now.addAndGet(49);
        assertEquals(-1, log.tryAcquire());
        now.addAndGet(1);
        // the next line says how many it stands for
        assertEquals(3, log.tryAcquire());
        now.addAndGet(100);
        assertEquals(0, log.tryAcquire());
    }
}
