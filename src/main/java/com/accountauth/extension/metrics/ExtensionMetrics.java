package com.accountauth.extension.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The extension's metrics in the broker's registry ({@code Services.metricRegistry()}, which HiveMQ's Prometheus
 * extension and JMX export), named {@value #PREFIX}{@code <area>.<what>} as HiveMQ names its own {@code com.hivemq.*}.
 * Remembers what it registered, so that {@link #close()} at extension stop leaves nothing behind (a restarted
 * extension registers afresh). docs/METRICS.md lists every name.
 */
public final class ExtensionMetrics implements AutoCloseable {

    public static final String PREFIX = "com.accountauth.";

    private final MetricRegistry registry;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    public ExtensionMetrics(final MetricRegistry registry) {
        this.registry = registry;
    }

    /** Metrics that go nowhere anyone looks: for the admin CLI and for tests that do not read them. */
    public static ExtensionMetrics unread() {
        return new ExtensionMetrics(new MetricRegistry());
    }

    /** The registry, for tests that read what was counted. */
    public MetricRegistry registry() {
        return registry;
    }

    /** {@code name} without the prefix, e.g. {@code connect.allowed}. */
    public Counter counter(final String name) {
        return registry.counter(named(name));
    }

    public Timer timer(final String name) {
        return registry.timer(named(name));
    }

    /** A value read when the registry is read (a scrape), never on a broker thread's path. */
    public <T extends Number> void gauge(final String name, final Supplier<T> value) {
        final String full = named(name);
        registry.remove(full); // one left by an earlier start that did not stop cleanly
        registry.register(full, (Gauge<T>) value::get);
    }

    /** Counts lookups of one cache: {@code cache.<name>.hits} and {@code .misses}. */
    public HitCounter hitCounter(final String cache) {
        return new HitCounter(counter("cache." + cache + ".hits"), counter("cache." + cache + ".misses"));
    }

    private String named(final String name) {
        final String full = PREFIX + name;
        names.add(full);
        return full;
    }

    /** Removes every metric registered through this from the registry. */
    @Override
    public void close() {
        names.forEach(registry::remove);
        names.clear();
    }
}
