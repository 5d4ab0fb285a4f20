package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.LogLines;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, client ids: a device's MAC (as the device writes it, or canonical) and uid are its own. A user, a service
 * and another device that present them are refused with 0x85 (3.1.1: identifier rejected), also when the squatter
 * bound the id before the device ever connected; the device connects with them all the same, keeps its session, and
 * the squatter gets nothing. A client id longer than the column is refused with 0x85, not 0x88. Real broker, MariaDB,
 * HiveMQ MQTT Client and mosquitto_pub; the shipped config.
 */
class ClientIdSquattingIT {

    static final String PASSWORD = "squat-pass-1";
    static final String MAC = "00:1B:FE:0D:44:21";
    static final String MAC_AS_GIVEN = "00-1b-fe-0d-44-21";
    static final String UID = "CAMUID1";
    static final String COMMAND = "/orbweb/ipcam/command/" + UID;

    static BrokerWithDatabase env;
    static MqttClients mqtt;
    static LogLines logs;
    static LogLines audit;

    @BeforeAll
    static void start() {
        logs = LogLines.ofExtension();
        audit = LogLines.ofAudit();
        env = BrokerWithDatabase.start(ClientIdSquattingIT::seed, config -> config);
        mqtt = new MqttClients(env.broker().port());
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
        if (logs != null) {
            logs.close();
        }
        if (audit != null) {
            audit.close();
        }
    }

    static void seed(final MariaDbServer db) {
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES " +
                "(1, ?, ?, 'orbweb', 'ipcam', ?), (2, '00:1B:FE:0D:44:22', 'CAMUID2', 'orbweb', 'ipcam', ?)",
                MAC, UID, hash, hash);
        db.execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (1, 'owner@squat.example', ?, " +
                "'user'), (2, 'mallory@squat.example', ?, 'user'), (3, 'backend@squat.example', ?, 'service')",
                hash, hash, hash);
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner')");
        // mallory came first: bound before reservation existed, or by connecting before the device ever did
        db.execute("INSERT INTO client_ids (client_id, account_id) VALUES (?, 2), (?, 2)", MAC, UID);
    }

    private static Mqtt5ConnAckReasonCode connect(final String clientId, final String username) {
        final Mqtt5BlockingClient client = mqtt.v5(clientId);
        final Mqtt5ConnAckReasonCode code = mqtt.connect5(client, username, MqttClients.bytes(PASSWORD));
        if (code == Mqtt5ConnAckReasonCode.SUCCESS) {
            client.disconnect();
        }
        return code;
    }

    @Test
    void squattersAreRefusedWhileTheDeviceKeepsItsSessionAndNothingReachesThem() throws Exception {
        final Mqtt5BlockingClient device = mqtt.v5(MAC);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(device, MAC_AS_GIVEN, MqttClients.bytes(PASSWORD)),
                "the device, though mallory bound its MAC first");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = device.publishes(MqttGlobalPublishFilter.ALL)) {
            device.subscribeWith().topicFilter(COMMAND).qos(MqttQos.AT_LEAST_ONCE).send();
            for (final String squatted : List.of(MAC, MAC_AS_GIVEN, UID)) {
                for (final String squatter : List.of("mallory@squat.example", "backend@squat.example",
                        "00:1B:FE:0D:44:22")) {
                    assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect(squatted, squatter),
                            squatter + " as " + squatted);
                }
            }
            assertEquals(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED, connect3(UID, "mallory@squat.example"));
            final MosquittoAttempt mosquitto = mosquittoPublish(MAC, "mallory@squat.example", COMMAND);
            assertTrue(mosquitto.output.contains("Client Identifier not valid"), mosquitto.output);
            assertTrue(mosquitto.exitCode != 0, mosquitto.output);

            assertTrue(device.getState().isConnected(), "no squatter took the device's session over");
            final Mqtt5BlockingClient owner = mqtt.connected5(MqttClients.newId(), "owner@squat.example", PASSWORD);
            owner.publishWith().topic(COMMAND).qos(MqttQos.AT_LEAST_ONCE).payload("after".getBytes()).send();
            owner.disconnect();
            final Optional<Mqtt5Publish> first = received.receive(10, TimeUnit.SECONDS);
            assertTrue(first.isPresent(), "the device still gets its commands");
            assertEquals("after", new String(first.get().getPayloadAsBytes(), StandardCharsets.UTF_8),
                    "the squatters' PUBLISH never arrived");
            assertFalse(received.receive(500, TimeUnit.MILLISECONDS).isPresent(), "nothing else arrived");
        } finally {
            device.disconnect();
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect(UID, MAC), "the device with its uid");
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("mallory-phone", "mallory@squat.example"),
                "a squatter may still use ids of its own");
    }

    @Test
    void aClientIdLongerThanTheColumnIsNotValidAndTheLogSaysWhy() {
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                connect("l".repeat(192), "owner@squat.example"));
        assertFalse(audit.matching("INFO", "is 192 characters long, over <client-ids><max-length> 191").isEmpty(),
                "the audit line says why");
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("k".repeat(191), "owner@squat.example"),
                "the longest id the column holds");
    }

    private static Mqtt3ConnAckReturnCode connect3(final String clientId, final String username) {
        final Mqtt3BlockingClient client = mqtt.v3(clientId);
        try {
            final Mqtt3ConnAckReturnCode code = client.connectWith().simpleAuth().username(username)
                    .password(MqttClients.bytes(PASSWORD)).applySimpleAuth().send().getReturnCode();
            client.disconnect();
            return code;
        } catch (final Mqtt3ConnAckException e) {
            return e.getMqttMessage().getReturnCode();
        }
    }

    private record MosquittoAttempt(int exitCode, String output) {
    }

    private static MosquittoAttempt mosquittoPublish(final String clientId, final String username, final String topic)
            throws IOException, InterruptedException {
        final Process process = new ProcessBuilder("mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                Integer.toString(env.broker().port()), "-i", clientId, "-u", username, "-P", PASSWORD, "-q", "1",
                "-t", topic, "-m", "squatter").redirectErrorStream(true).start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mosquitto_pub did not finish");
        }
        return new MosquittoAttempt(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
