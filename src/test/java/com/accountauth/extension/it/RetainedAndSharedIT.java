package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retained messages and shared subscriptions are rights of their own, per kind of principal: by default nobody
 * retains (so an owner's command can never wait for the device, also after the owner is unpaired) and only service
 * accounts share subscriptions. Real broker, real MariaDB, real MQTT 5 clients.
 */
class RetainedAndSharedIT {

    private static final String CAM_MAC = "00:1B:FE:0D:44:21";
    private static final String CAM_UID = "XRHIU1Z76KFMWXPDWQFM";
    private static final String CAM_COMMAND = "/orbweb/ipcam/command/" + CAM_UID;
    private static final String CAM_STATE = "/orbweb/ipcam/state/" + CAM_UID;
    private static final String PASSWORD = "pass-1";

    private static BrokerWithDatabase env;
    private static MqttClients mqtt;

    @BeforeAll
    static void start() {
        env = BrokerWithDatabase.start(RetainedAndSharedIT::seed, config -> config);
        mqtt = new MqttClients(env.broker().port());
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    static void seed(final MariaDbServer db) {
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash, enabled) VALUES (?,?,?,?,?,?,?)",
                1, CAM_MAC, CAM_UID, "orbweb", "ipcam", hash, true);
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES (?,?,?,?,?)",
                1, "alice@example.com", hash, "user", true);
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES (?,?,?,?,?)",
                2, "backend@example.com", hash, "service", true);
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?,?,?)", 1, 1, "owner");
    }

    @Test
    void anOwnersRetainedCommandIsRefusedAndNeverReplayed() throws Exception {
        final Mqtt5BlockingClient cam = mqtt.connected5(MqttClients.newId(), CAM_MAC, PASSWORD);
        try (var inbox = cam.publishes(MqttGlobalPublishFilter.ALL)) {
            cam.subscribeWith().topicFilter(CAM_COMMAND).qos(MqttQos.AT_LEAST_ONCE).send();
            // a plain command gets through: the refusal below is about the retain flag alone
            final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com", PASSWORD);
            alice.publishWith().topic(CAM_COMMAND).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("plain")).send();
            assertEquals("plain", payload(inbox.receive(5, TimeUnit.SECONDS)));
            final Mqtt5PubAckException refused = assertThrows(Mqtt5PubAckException.class, () -> alice.publishWith()
                    .topic(CAM_COMMAND).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("reboot")).send());
            assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, refused.getMqttMessage().getReasonCode());
            assertTrue(inbox.receive(1, TimeUnit.SECONDS).isEmpty(), "the refused retained command was delivered");
            disconnect(alice);
        } finally {
            disconnect(cam);
        }
        // nothing waits on the topic for the device: not now, not after the owner is unpaired
        assertEquals(List.of(), retainedOnCommandTopic());
        env.db().execute("DELETE FROM pairings WHERE account_id = 1 AND device_id = 1");
        try {
            assertEquals(List.of(), retainedOnCommandTopic());
        } finally {
            env.db().execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner')");
        }
    }

    @Test
    void aDeviceRetainsNothingUnlessAllowed() {
        final Mqtt5BlockingClient cam = mqtt.connected5(MqttClients.newId(), CAM_MAC, PASSWORD);
        final Mqtt5PubAckException refused = assertThrows(Mqtt5PubAckException.class, () -> cam.publishWith()
                .topic(CAM_STATE).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("online")).send());
        assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, refused.getMqttMessage().getReasonCode());
        disconnect(cam);
        // a retained Will is a retained publish too
        final Mqtt5BlockingClient willing = mqtt.v5(MqttClients.newId());
        final Mqtt5ConnAckReasonCode code = connectWithRetainedWill(willing);
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, code);
    }

    @Test
    void onlyServiceAccountsShareSubscriptions() {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com", PASSWORD);
        final Mqtt5BlockingClient backend = mqtt.connected5(MqttClients.newId(), "backend@example.com", PASSWORD);
        try {
            // alice may subscribe to the filter itself, but not as a member of a group
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), alice.subscribeWith()
                    .topicFilter("/orbweb/ipcam/+/" + CAM_UID).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes());
            final Mqtt5SubAckException refused = assertThrows(Mqtt5SubAckException.class, () -> alice.subscribeWith()
                    .topicFilter("$share/app//orbweb/ipcam/+/" + CAM_UID).qos(MqttQos.AT_LEAST_ONCE).send());
            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), refused.getMqttMessage().getReasonCodes());
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), backend.subscribeWith()
                    .topicFilter("$share/workers//#").qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes());
        } finally {
            disconnect(alice, backend);
        }
    }

    @Test
    void whereRetainIsAllowedTheCommandIsReplayedEvenAfterTheUnpair() throws Exception {
        // the control, and why the default is off: with <retain><user>true</user> the same command waits for the
        // device on every subscribe, also after alice lost the device
        try (BrokerWithDatabase open = BrokerWithDatabase.start(RetainedAndSharedIT::seed, config -> config
                .replaceFirst("<device>false</device>(\\s*)<user>false</user>",
                        "<device>true</device>$1<user>true</user>"))) {
            final MqttClients clients = new MqttClients(open.broker().port());
            final Mqtt5BlockingClient alice = clients.connected5(MqttClients.newId(), "alice@example.com", PASSWORD);
            alice.publishWith().topic(CAM_COMMAND).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("reboot"))
                    .send();
            disconnect(alice);
            final Mqtt5BlockingClient cam = clients.connected5(MqttClients.newId(), CAM_MAC, PASSWORD);
            cam.publishWith().topic(CAM_STATE).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("online")).send();
            disconnect(cam);
            open.db().execute("DELETE FROM pairings WHERE account_id = 1 AND device_id = 1");
            assertEquals(List.of("reboot"), retainedOnCommandTopic(clients));
        }
    }

    private static List<String> retainedOnCommandTopic() throws InterruptedException {
        return retainedOnCommandTopic(mqtt);
    }

    /** What a fresh device session gets when it subscribes to its command topic: the retained messages there. */
    private static List<String> retainedOnCommandTopic(final MqttClients clients) throws InterruptedException {
        final Mqtt5BlockingClient cam = clients.connected5(MqttClients.newId(), CAM_MAC, PASSWORD);
        try (var inbox = cam.publishes(MqttGlobalPublishFilter.ALL)) {
            cam.subscribeWith().topicFilter(CAM_COMMAND).qos(MqttQos.AT_LEAST_ONCE).send();
            final Optional<Mqtt5Publish> got = inbox.receive(1, TimeUnit.SECONDS);
            return got.map(p -> List.of(payload(got))).orElse(List.of());
        } finally {
            disconnect(cam);
        }
    }

    private static Mqtt5ConnAckReasonCode connectWithRetainedWill(final Mqtt5BlockingClient client) {
        try {
            return client.connectWith().simpleAuth().username(CAM_MAC).password(bytes(PASSWORD)).applySimpleAuth()
                    .willPublish().topic(CAM_STATE).retain(true).payload(bytes("offline")).applyWillPublish()
                    .send().getReasonCode();
        } catch (final Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    private static String payload(final Optional<Mqtt5Publish> publish) {
        assertTrue(publish.isPresent(), "nothing received");
        return new String(publish.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void disconnect(final Mqtt5BlockingClient... clients) {
        for (final Mqtt5BlockingClient client : clients) {
            try {
                client.disconnect();
            } catch (final MqttClientStateException alreadyGone) {
                // HiveMQ disconnects a client after a refused PUBLISH, possibly just now
            }
        }
    }
}
