package com.accountauth.extension.it;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The extension's metrics as the broker's registry holds them, by their names after {@code com.accountauth.}. Each
 * must exist: asking the registry itself for a missing counter would make one, at 0.
 */
record RegisteredMetrics(MetricRegistry registry) {

    long count(final String name) {
        final Counter counter = registry.getCounters().get("com.accountauth." + name);
        assertNotNull(counter, "no counter " + name + " in " + registry.getNames());
        return counter.getCount();
    }

    long timerCount(final String name) {
        final Timer timer = registry.getTimers().get("com.accountauth." + name);
        assertNotNull(timer, "no timer " + name + " in " + registry.getNames());
        return timer.getCount();
    }

    Number gauge(final String name) {
        final Gauge<?> gauge = registry.getGauges().get("com.accountauth." + name);
        assertNotNull(gauge, "no gauge " + name + " in " + registry.getNames());
        return (Number) gauge.getValue();
    }
}
