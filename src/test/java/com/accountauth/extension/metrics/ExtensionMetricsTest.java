package com.accountauth.extension.metrics;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtensionMetricsTest {

    @Test
    void namesTakeThePrefixAndCloseRemovesOnlyWhatItRegistered() {
        final MetricRegistry registry = new MetricRegistry();
        registry.counter("com.hivemq.someone.else");
        final ExtensionMetrics metrics = new ExtensionMetrics(registry);
        metrics.counter("connect.allowed").inc(3);
        metrics.timer("db.account-by-email.time");
        final AtomicInteger depth = new AtomicInteger(7);
        metrics.gauge("connect.queue.depth", depth::get);
        metrics.hitCounter("principals").count(true);

        assertEquals(3, registry.counter("com.accountauth.connect.allowed").getCount());
        assertEquals(7, registry.getGauges().get("com.accountauth.connect.queue.depth").getValue());
        depth.set(2);
        assertEquals(2, registry.getGauges().get("com.accountauth.connect.queue.depth").getValue());
        assertEquals(1, registry.counter("com.accountauth.cache.principals.hits").getCount());
        assertEquals(0, registry.counter("com.accountauth.cache.principals.misses").getCount());

        metrics.close();
        assertEquals(java.util.Set.of("com.hivemq.someone.else"), registry.getNames());
    }

    @Test
    void aGaugeLeftBehindIsReplacedNotAnError() {
        final MetricRegistry registry = new MetricRegistry();
        new ExtensionMetrics(registry).gauge("outage.active", () -> 1);
        new ExtensionMetrics(registry).gauge("outage.active", () -> 0);
        assertEquals(0, registry.getGauges().get("com.accountauth.outage.active").getValue());
        assertTrue(registry.getNames().contains("com.accountauth.outage.active"));
    }
}
