package com.accountauth.extension.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Real MQTT 5 and 3.1.1 clients (HiveMQ MQTT Client) against the test broker, with what the CONNACK said. */
final class MqttClients {

    private final String host;
    private final int port;

    MqttClients(final int port) {
        this("127.0.0.1", port);
    }

    MqttClients(final String host, final int port) {
        this.host = host;
        this.port = port;
    }

    Mqtt5BlockingClient v5(final String clientId) {
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost(host).serverPort(port)
                .buildBlocking();
    }

    Mqtt3BlockingClient v3(final String clientId) {
        return MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost(host).serverPort(port)
                .buildBlocking();
    }

    /** Connects with MQTT 5; the CONNACK's reason code, whether it succeeded or not. */
    Mqtt5ConnAckReasonCode connect5(final Mqtt5BlockingClient client, final String username, final byte[] password) {
        try {
            final var connect = client.connectWith().cleanStart(true);
            if (username != null) {
                final var auth = connect.simpleAuth().username(username);
                return (password == null ? auth.applySimpleAuth() : auth.password(password).applySimpleAuth())
                        .send().getReasonCode();
            }
            return connect.send().getReasonCode();
        } catch (final Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    Mqtt5ConnAckReasonCode connect5(final String username, final String password) {
        final Mqtt5BlockingClient client = v5(newId());
        final Mqtt5ConnAckReasonCode code = connect5(client, username, bytes(password));
        if (client.getState().isConnected()) {
            client.disconnect();
        }
        return code;
    }

    /**
     * Connects with MQTT 5 from a source address of its own in 127.0.0.0/8 (the throttle counts per address), and
     * disconnects again; the CONNACK's reason code.
     */
    Mqtt5ConnAckReasonCode connect5From(final String from, final String clientId, final String username,
                                        final String password) {
        final Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .transportConfig().serverAddress(new InetSocketAddress(host, port))
                .localAddress(new InetSocketAddress(from, 0)).applyTransportConfig().buildBlocking();
        try {
            final Mqtt5ConnAckReasonCode code = client.connectWith().simpleAuth().username(username)
                    .password(bytes(password)).applySimpleAuth().send().getReasonCode();
            client.disconnect();
            return code;
        } catch (final Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    /** Connects with MQTT 3.1.1; the CONNACK's return code. */
    Mqtt3ConnAckReturnCode connect3(final String username, final String password) {
        final Mqtt3BlockingClient client = v3(newId());
        try {
            final Mqtt3ConnAckReturnCode code = client.connectWith().simpleAuth().username(username)
                    .password(bytes(password)).applySimpleAuth().send().getReturnCode();
            client.disconnect();
            return code;
        } catch (final Mqtt3ConnAckException e) {
            return e.getMqttMessage().getReturnCode();
        }
    }

    /** A connected MQTT 5 client, or an assertion error saying what the CONNACK was. */
    Mqtt5BlockingClient connected5(final String clientId, final String username, final String password) {
        final Mqtt5BlockingClient client = v5(clientId);
        final Mqtt5ConnAckReasonCode code = connect5(client, username, bytes(password));
        if (code != Mqtt5ConnAckReasonCode.SUCCESS) {
            throw new AssertionError(username + " could not connect: " + code);
        }
        return client;
    }

    static String newId() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] bytes(final String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
