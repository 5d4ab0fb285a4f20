package com.accountauth.extension.connection;

import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationFailedInput;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ClientInitiatedDisconnectInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionLostInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ServerInitiatedDisconnectInput;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many connected clients are devices, users and services: the gauges {@code clients.connected.<kind>}. A client
 * counts from its session's initialisation ({@link #connected}) to its disconnect event. A client id may have two
 * connections for a moment (a takeover), and their events may come in either order, so each client id keeps the kinds
 * of its connections oldest first, and a disconnect takes the oldest: the one taken over. A refused CONNECT's
 * disconnect is not one of them.
 */
public final class ConnectedKinds implements ClientLifecycleEventListener {

    private final ConcurrentHashMap<String, ArrayDeque<Principal.Kind>> byClientId = new ConcurrentHashMap<>();
    private final Map<Principal.Kind, AtomicLong> counts = new EnumMap<>(Principal.Kind.class);

    public ConnectedKinds(final ExtensionMetrics metrics) {
        for (final Principal.Kind kind : Principal.Kind.values()) {
            final AtomicLong count = new AtomicLong();
            counts.put(kind, count);
            metrics.gauge("clients.connected." + kind.name().toLowerCase(Locale.ROOT), count::get);
        }
    }

    /** A granted client's session was initialised. */
    public void connected(final String clientId, final Principal.Kind kind) {
        byClientId.compute(clientId, (id, kinds) -> {
            final ArrayDeque<Principal.Kind> list = kinds == null ? new ArrayDeque<>(1) : kinds;
            list.addLast(kind);
            counts.get(kind).incrementAndGet();
            return list;
        });
    }

    /** A connection of this client id went; nothing when none is counted (it went before its initialisation). */
    public void disconnected(final String clientId) {
        byClientId.computeIfPresent(clientId, (id, kinds) -> {
            counts.get(kinds.pollFirst()).decrementAndGet();
            return kinds.isEmpty() ? null : kinds;
        });
    }

    /** The connected clients of a kind now. */
    public long count(final Principal.Kind kind) {
        return counts.get(kind).get();
    }

    @Override
    public void onMqttConnectionStart(final ConnectionStartInput input) {
    }

    @Override
    public void onAuthenticationSuccessful(final AuthenticationSuccessfulInput input) {
    }

    @Override
    public void onDisconnect(final DisconnectEventInput input) {
        // reached only through the defaults, each overridden below
    }

    @Override
    public void onAuthenticationFailedDisconnect(final AuthenticationFailedInput input) {
        // a refused CONNECT with this client id: the client connected under it (if any) stays
    }

    @Override
    public void onConnectionLost(final ConnectionLostInput input) {
        disconnected(input.getClientInformation().getClientId());
    }

    @Override
    public void onClientInitiatedDisconnect(final ClientInitiatedDisconnectInput input) {
        disconnected(input.getClientInformation().getClientId());
    }

    @Override
    public void onServerInitiatedDisconnect(final ServerInitiatedDisconnectInput input) {
        disconnected(input.getClientInformation().getClientId());
    }
}
