package com.accountauth.extension.metrics;

import com.codahale.metrics.MetricRegistry;

import java.util.function.Supplier;

/**
 * The extension's metrics in the broker's registry ({@code Services.metricRegistry()}, which HiveMQ's Prometheus
 * extension and JMX export), named {@value #PREFIX}{@code <area>.<what>} as HiveMQ names its own {@code com.hivemq.*}.
 * Remembers what it registered, so that {@link #close()} at extension stop leaves nothing behind (a restarted
 * extension registers afresh). docs/METRICS.md lists every name.
 */
public final class ExtensionMetrics implements AutoCloseable {

    public static final String PREFIX = "com.accountauth.";

    // null: metrics that go nowhere (the admin CLI, which has no registry library, and tests that do not read them)
    private final RegistryMetrics backing;

    public ExtensionMetrics(final MetricRegistry registry) {
        this.backing = new RegistryMetrics(registry);
    }

    private ExtensionMetrics() {
        this.backing = null;
    }

    /** Metrics that go nowhere anyone looks: for the admin CLI and for tests that do not read them. */
    public static ExtensionMetrics unread() {
        return new ExtensionMetrics();
    }

    /** The registry, for tests that read what was counted. */
    public MetricRegistry registry() {
        if (backing == null) {
            throw new IllegalStateException("these metrics have no registry");
        }
        return backing.registry();
    }

    /** {@code name} without the prefix, e.g. {@code connect.allowed}. */
    public Count counter(final String name) {
        return backing == null ? Count.NONE : backing.counter(PREFIX + name);
    }

    public Timing timer(final String name) {
        return backing == null ? Timing.NONE : backing.timer(PREFIX + name);
    }

    /** A value read when the registry is read (a scrape), never on a broker thread's path. */
    public <T extends Number> void gauge(final String name, final Supplier<T> value) {
        if (backing != null) {
            backing.gauge(PREFIX + name, value);
        }
    }

    /** Counts lookups of one cache: {@code cache.<name>.hits} and {@code .misses}. */
    public HitCounter hitCounter(final String cache) {
        return new HitCounter(counter("cache." + cache + ".hits"), counter("cache." + cache + ".misses"));
    }

    /** Removes every metric registered through this from the registry. */
    @Override
    public void close() {
        if (backing != null) {
            backing.close();
        }
    }
}
