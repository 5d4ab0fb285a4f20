package com.accountauth.extension.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** An MQTT 5 client with a persistent session that records when the broker closed it, for the feed's ITs. */
final class LiveClient {

    final Mqtt5BlockingClient client;
    final CompletableFuture<Throwable> disconnected = new CompletableFuture<>();

    LiveClient(final int port) {
        client = MqttClient.builder().useMqttVersion5().identifier(MqttClients.newId()).serverHost("127.0.0.1")
                .serverPort(port)
                .addDisconnectedListener(context -> disconnected.complete(context.getCause()))
                .buildBlocking();
    }

    static LiveClient connected(final int port, final String username, final String password) {
        final LiveClient live = new LiveClient(port);
        final Mqtt5ConnAckReasonCode code = live.connect(username, password);
        if (code != Mqtt5ConnAckReasonCode.SUCCESS) {
            throw new AssertionError(username + " could not connect: " + code);
        }
        return live;
    }

    Mqtt5ConnAckReasonCode connect(final String username, final String password) {
        try {
            return client.connectWith().cleanStart(false).sessionExpiryInterval(3600).simpleAuth()
                    .username(username).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                    .send().getReasonCode();
        } catch (final Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    boolean subscribeRefused(final String filter) {
        try {
            client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
            client.unsubscribeWith().topicFilter(filter).send();
            return false;
        } catch (final Mqtt5SubAckException e) {
            return true;
        }
    }

    void close() {
        try {
            client.disconnect();
        } catch (final MqttClientStateException alreadyGone) {
            // disconnected by the broker
        }
    }

    /** Milliseconds until the condition holds, polled every 50 ms; an assertion error past {@code boundMillis}. */
    static long millisUntil(final String what, final long boundMillis, final BooleanSupplier condition) {
        final long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if ((System.nanoTime() - start) / 1_000_000 > boundMillis) {
                throw new AssertionError(what + " did not happen within " + boundMillis + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
