package com.accountauth.extension.it;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One MQTT connection of the randomized test: who logged in, with which stored hash (so the checker knows whether the
 * DB still admits it), its Will topic if it has one, and when the test itself caused its Will (a drop with Will, or
 * a publish the broker must refuse and answer with a disconnect). The HiveMQ client's state says whether it is up.
 */
final class ChurnedConnection {

    final int id;
    final Who who;
    final String clientId;
    final boolean persistent;
    /** The hash of the password it logged in with (null: a password the DB never held). */
    final String hash;
    /** The Will's topic, or null without a Will. */
    final String willTopic;
    final Set<String> probesReceived = ConcurrentHashMap.newKeySet();
    volatile Mqtt5AsyncClient client;
    /** When the test made the broker publish this connection's Will, or 0 if it did not. */
    volatile long willCausedNanos;

    ChurnedConnection(final int id, final Who who, final String clientId, final boolean persistent, final String hash,
                      final String willTopic) {
        this.id = id;
        this.who = who;
        this.clientId = clientId;
        this.persistent = persistent;
        this.hash = hash;
        this.willTopic = willTopic;
    }

    boolean connected() {
        final Mqtt5AsyncClient c = client;
        return c != null && c.getState().isConnected();
    }

    @Override
    public String toString() {
        return "connection " + id + " (" + who + ", client id " + clientId + (persistent ? ", persistent" : ", clean")
                + (willTopic == null ? "" : ", Will to " + willTopic) + ")";
    }
}
