package com.accountauth.extension.auth;

import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.throttle.ConnectThrottle;
import com.accountauth.extension.metrics.Count;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What became of CONNECTs: {@code connect.allowed}, {@code connect.refused.<reason>} (one per {@link Refusal}, and
 * {@code throttled}, {@code queue-full}, {@code timeout}, {@code error}), and {@code throttled.address} /
 * {@code throttled.username}. Counters made once here: a CONNECT costs one increment.
 */
final class ConnectCounters {

    final Count allowed;
    final Count throttled;
    final Count queueFull;
    final Count timeout;
    final Count error;
    private final Map<Refusal, Count> refused = new EnumMap<>(Refusal.class);
    private final Count throttledAddress;
    private final Count throttledUsername;

    ConnectCounters(final ExtensionMetrics metrics) {
        allowed = metrics.counter("connect.allowed");
        for (final Refusal reason : Refusal.values()) {
            refused.put(reason, metrics.counter("connect.refused." +
                    reason.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        throttled = metrics.counter("connect.refused.throttled");
        queueFull = metrics.counter("connect.refused.queue-full");
        timeout = metrics.counter("connect.refused.timeout");
        error = metrics.counter("connect.refused.error");
        throttledAddress = metrics.counter("throttled.address");
        throttledUsername = metrics.counter("throttled.username");
    }

    void refused(final Refusal reason) {
        refused.get(reason).inc();
    }

    void throttled(final ConnectThrottle.Verdict verdict) {
        throttled.inc();
        (verdict == ConnectThrottle.Verdict.USERNAME_THROTTLED ? throttledUsername : throttledAddress).inc();
    }
}
