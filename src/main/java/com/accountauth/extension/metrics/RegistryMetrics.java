package com.accountauth.extension.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The only class that touches the registry's types (Dropwizard metrics, which HiveMQ provides): loaded only when
 * there is a registry, so the admin CLI, which runs without HiveMQ's libraries, never needs them.
 */
final class RegistryMetrics {

    private final MetricRegistry registry;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    RegistryMetrics(final MetricRegistry registry) {
        this.registry = registry;
    }

    MetricRegistry registry() {
        return registry;
    }

    Count counter(final String full) {
        names.add(full);
        final Counter counter = registry.counter(full);
        return counter::inc;
    }

    Timing timer(final String full) {
        names.add(full);
        final Timer timer = registry.timer(full);
        return nanos -> timer.update(nanos, TimeUnit.NANOSECONDS);
    }

    <T extends Number> void gauge(final String full, final Supplier<T> value) {
        names.add(full);
        registry.remove(full); // one left by an earlier start that did not stop cleanly
        registry.register(full, (Gauge<T>) value::get);
    }

    void close() {
        names.forEach(registry::remove);
        names.clear();
    }
}
