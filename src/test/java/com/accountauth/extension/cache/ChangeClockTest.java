package com.accountauth.extension.cache;

import com.accountauth.extension.db.ChangeSet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChangeClockTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ChangeClock clock = new ChangeClock(Duration.ofSeconds(10), nanos::get);

    private static ChangeSet principal(final String key) {
        return new ChangeSet(Set.of(key), Set.of(), false, false);
    }

    @Test
    void whatWasReadBeforeAChangeOfItIsStaleAndWhatWasReadAfterIsNot() {
        final long before = clock.now();
        clock.record(principal("account:1"));
        final long after = clock.now();
        assertTrue(clock.principalChangedSince("account:1", before));
        assertFalse(clock.principalChangedSince("account:1", after));
        assertFalse(clock.principalChangedSince("account:2", before), "another principal is untouched");
        assertFalse(clock.rowsAddedSince(before));
    }

    @Test
    void aDeviceChangeTouchesTheDeviceOnly() {
        final long before = clock.now();
        clock.record(new ChangeSet(Set.of("device:7"), Set.of(7L), true, false));
        assertTrue(clock.devicesChangedSince(7, before));
        assertFalse(clock.devicesChangedSince(8, before));
        assertTrue(clock.rowsAddedSince(before), "a device row alone may be an insert");
    }

    @Test
    void aResyncTouchesEverything() {
        final long before = clock.now();
        clock.record(ChangeSet.everything());
        assertTrue(clock.principalChangedSince("account:99", before));
        assertTrue(clock.devicesChangedSince(99, before));
        assertTrue(clock.rowsAddedSince(before));
    }

    @Test
    void aChangeIsRememberedForTwoHorizonsThenForgotten() {
        final long before = clock.now();
        clock.record(principal("account:1"));
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(19));
        clock.record(principal("account:2"));
        assertTrue(clock.principalChangedSince("account:1", before), "still within two horizons");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        clock.record(principal("account:3"));
        assertFalse(clock.principalChangedSince("account:1", before), "forgotten: the caches dropped it twice");
        assertEquals(2, clock.remembered());
    }

    @Test
    void aLaterChangeOfTheSameKeyOutlivesTheEarliersPruning() {
        clock.record(principal("account:1"));
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(15));
        final long between = clock.now();
        clock.record(principal("account:1"));
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(6));
        clock.record(principal("account:2")); // prunes the first change only
        assertTrue(clock.principalChangedSince("account:1", between));
    }
}
