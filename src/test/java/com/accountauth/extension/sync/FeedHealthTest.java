package com.accountauth.extension.sync;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeedHealthTest {

    private final FeedHealth health = new FeedHealth(30_000, 0);

    @Test
    void aFirstFailureWarnsAndTheNextOnesWithinAMinuteStayQuiet() {
        assertEquals(FeedHealth.Alarm.WARN, health.failed(1_000));
        assertEquals(FeedHealth.Alarm.NONE, health.failed(3_000));
        assertTrue(health.failing());
    }

    @Test
    void noSuccessfulPollForTheConfiguredTimeIsAnErrorOnceAndAsksForAResync() {
        health.succeeded(10_000);
        assertEquals(FeedHealth.Alarm.WARN, health.failed(12_000));
        assertEquals(FeedHealth.Alarm.NONE, health.failed(39_999));
        assertFalse(health.errorRaised());
        assertEquals(FeedHealth.Alarm.ERROR, health.failed(40_000));
        assertTrue(health.errorRaised());
        assertEquals(FeedHealth.Alarm.NONE, health.failed(42_000));
        assertEquals(FeedHealth.Alarm.WARN, health.failed(100_000), "reminds once a minute");
    }

    @Test
    void aDbDownFromTheStartCountsFromTheStart() {
        assertEquals(FeedHealth.Alarm.WARN, health.failed(2_000));
        assertEquals(FeedHealth.Alarm.ERROR, health.failed(30_000));
    }

    @Test
    void aSuccessEndsTheOutage() {
        health.failed(1_000);
        health.failed(31_000);
        health.succeeded(33_000);
        assertFalse(health.failing());
        assertFalse(health.errorRaised());
        assertEquals(FeedHealth.Alarm.WARN, health.failed(34_000), "a new outage warns again");
    }
}
