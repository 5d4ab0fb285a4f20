package com.accountauth.extension.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.accountauth.extension.it.AttackFixture.ALICE;
import static com.accountauth.extension.it.AttackFixture.ALICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.BOB;
import static com.accountauth.extension.it.AttackFixture.BOB_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.CAM1_COMMAND;
import static com.accountauth.extension.it.AttackFixture.CAM1_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM1_MAC;
import static com.accountauth.extension.it.AttackFixture.CAM2_COMMAND;
import static com.accountauth.extension.it.AttackFixture.CAM2_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM3_COMMAND;
import static com.accountauth.extension.it.AttackFixture.CAM3_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM3_MAC;
import static com.accountauth.extension.it.AttackFixture.DEVICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.disconnect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PUBLISH, retained and Will abuse (docs/SECURITY-CASES.md, cases 24-29): each refused with its code, and the
 * victim's subscribers (the extension subscribes a device to its command topic, an owner to its device's events)
 * get only the marker that follows the attack. Alice (owner of cam1, viewer of cam2) attacks Bob's cam3.
 */
class PublishAbuseIT {

    static AttackFixture world;

    @BeforeAll
    static void start() {
        world = new AttackFixture();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void awaitDisconnected(final Mqtt5BlockingClient client) {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (client.getState().isConnected() && System.nanoTime() < deadline) {
            AttackFixture.sleep(20);
        }
        assertFalse(client.getState().isConnected(), "still connected after a refused PUBLISH");
    }

    @Test
    @DisplayName("24: a PUBLISH to another's device at QoS 0, 1 and 2 is refused and disconnected; it receives nothing")
    void publishingToAnotherUsersDeviceIsRefusedAtEveryQos() {
        final Mqtt5BlockingClient cam3 = world.connected(CAM3_MAC, DEVICE_PASSWORD);
        try (AttackFixture.Watcher cam3Inbox = world.inboxOf(cam3)) {
            final Mqtt5BlockingClient qos1 = world.connected(ALICE, ALICE_PASSWORD);
            final Mqtt5PubAckException pubAck = assertThrows(Mqtt5PubAckException.class, () -> qos1.publishWith()
                    .topic(CAM3_COMMAND).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("reboot")).send());
            assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, pubAck.getMqttMessage().getReasonCode());
            awaitDisconnected(qos1);

            final Mqtt5BlockingClient qos2 = world.connected(ALICE, ALICE_PASSWORD);
            final Mqtt5PubRecException pubRec = assertThrows(Mqtt5PubRecException.class, () -> qos2.publishWith()
                    .topic(CAM3_COMMAND).qos(MqttQos.EXACTLY_ONCE).payload(bytes("reboot")).send());
            assertEquals(Mqtt5PubRecReasonCode.NOT_AUTHORIZED, pubRec.getMqttMessage().getReasonCode());
            awaitDisconnected(qos2);

            final Mqtt5BlockingClient qos0 = world.connected(ALICE, ALICE_PASSWORD);
            qos0.publishWith().topic(CAM3_COMMAND).qos(MqttQos.AT_MOST_ONCE).payload(bytes("reboot")).send();
            awaitDisconnected(qos0);

            // 3.1.1 (mosquitto_pub): the broker closes the connection, no PUBACK
            final AttackFixture.Result v3 = AttackFixture.mosquitto("mosquitto_pub", "-d", "-V", "mqttv311",
                    "-h", "127.0.0.1", "-p", Integer.toString(world.port()), "-i", MqttClients.newId(),
                    "-u", ALICE, "-P", ALICE_PASSWORD, "-t", CAM3_COMMAND, "-m", "reboot", "-q", "1");
            assertTrue(v3.output().contains("received CONNACK (0)"), v3.output());
            assertFalse(v3.output().contains("received PUBACK"), v3.output());

            cam3Inbox.sawOnlyMarker(CAM3_COMMAND);
        }
    }

    @Test
    @DisplayName("25: a viewer may not command nor speak for the device it views; a device may not retain")
    void subscribeOnlyPrincipalsCannotPublishOrRetain() {
        try (AttackFixture.Watcher everything = world.watch("/#")) {
            for (final String topic : List.of(CAM2_COMMAND, CAM2_EVENTS, CAM2_EVENTS + "/status")) {
                for (final boolean retain : List.of(false, true)) {
                    final Mqtt5BlockingClient alice = world.connected(ALICE, ALICE_PASSWORD);
                    final Mqtt5PubAckException denied = assertThrows(Mqtt5PubAckException.class, () ->
                            alice.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain)
                                    .payload(bytes("spoof")).send(), topic);
                    assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, denied.getMqttMessage().getReasonCode());
                    disconnect(alice);
                }
            }
            // a device's own event topic, retained: refused by default (<retain><device>false)
            final Mqtt5BlockingClient cam1 = world.connected(CAM1_MAC, DEVICE_PASSWORD);
            final Mqtt5PubAckException retained = assertThrows(Mqtt5PubAckException.class, () -> cam1.publishWith()
                    .topic(CAM1_EVENTS).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("poison")).send());
            assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, retained.getMqttMessage().getReasonCode());
            disconnect(cam1);
            everything.sawOnlyMarker("/marker");
        }
        // nothing retained waits for a later subscriber: it gets the marker first
        try (AttackFixture.Watcher late = world.watch("/#")) {
            late.sawOnlyMarker("/marker");
        }
    }

    @Test
    @DisplayName("26: after an unpair the ex-user's re-subscribe is refused")
    void anUnpairedUserGetsNothingOfTheDeviceAgain() {
        world.db().execute("INSERT INTO accounts (id, email, password_hash, role) SELECT 40, 'frank@example.com', " +
                "password_hash, 'user' FROM accounts WHERE id = 1");
        world.db().execute("INSERT INTO pairings (account_id, device_id, role) VALUES (40, 3, 'viewer')");
        final Mqtt5BlockingClient frank = awaitSubscribable("frank@example.com", CAM3_EVENTS + "/status");
        disconnect(frank);
        world.db().execute("DELETE FROM pairings WHERE account_id = 40");
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            final Mqtt5BlockingClient again = world.connected("frank@example.com", ALICE_PASSWORD);
            final var codes = AttackFixture.subscribe(again, CAM3_EVENTS + "/status");
            disconnect(again);
            if (codes.equals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED))) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the unpairing never took effect");
            AttackFixture.sleep(200);
        }
    }

    private static Mqtt5BlockingClient awaitSubscribable(final String username, final String filter) {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            final Mqtt5BlockingClient client = world.connected(username, ALICE_PASSWORD);
            if (AttackFixture.subscribe(client, filter).equals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1))) {
                return client;
            }
            disconnect(client);
            assertTrue(System.nanoTime() < deadline, "the pairing never took effect");
            AttackFixture.sleep(200);
        }
    }

    @Test
    @DisplayName("27: a topic alias re-bound to another's topic is judged by that topic: 0x87, nothing delivered")
    void aTopicAliasIsJudgedByTheTopicItStandsFor() {
        final Mqtt5BlockingClient cam3 = world.connected(CAM3_MAC, DEVICE_PASSWORD);
        try (AttackFixture.Watcher cam3Inbox = world.inboxOf(cam3)) {
            try (RawMqtt raw = RawMqtt.v5(world.port()).connected(ALICE, ALICE_PASSWORD)) {
                assertEquals(0, raw.publish(bytes(CAM1_COMMAND), 1, bytes("own")));
                assertEquals(0, raw.publish(new byte[0], 1, bytes("own, by alias")));
                assertEquals(0x87, raw.publish(bytes(CAM3_COMMAND), 1, bytes("re-bound")));
            }
            // a fresh connection cannot use an alias it never bound
            try (RawMqtt raw = RawMqtt.v5(world.port()).connected(ALICE, ALICE_PASSWORD)) {
                final int code = raw.publish(new byte[0], 1, bytes("unbound alias"));
                assertTrue(code < -0x80, "an unbound alias got " + code); // DISCONNECT 0x82 Protocol error
            }
            cam3Inbox.sawOnlyMarker(CAM3_COMMAND);
        }
    }

    @Test
    @DisplayName("28: a zero-length topic or a NUL in the topic closes the connection as malformed")
    void zeroLengthOrNulTopicsAreMalformed() {
        try (AttackFixture.Watcher everything = world.watch("/#")) {
            for (final byte[] topic : List.of(new byte[0], bytes(CAM1_EVENTS + "\0/x"), bytes(CAM3_EVENTS + "\0"),
                    new byte[]{'/', (byte) 0xC3, 'x'})) {
                try (RawMqtt raw = RawMqtt.v5(world.port()).connected(CAM1_MAC, DEVICE_PASSWORD)) {
                    final int code = raw.publish(topic, 0, bytes("malformed"));
                    assertTrue(code == RawMqtt.CLOSED || code < -0x80, "a malformed topic got " + code);
                }
            }
            everything.sawOnlyMarker("/marker");
        }
    }

    @Test
    @DisplayName("29: a Will to another's topic, to $SYS, or retained is refused at CONNACK and never published")
    void refusedWillsAreNeverPublished() {
        try (AttackFixture.Watcher everything = world.watch("/#")) {
            for (final String willTopic : List.of(CAM3_COMMAND, "$SYS/x", CAM2_COMMAND)) {
                final Mqtt5BlockingClient alice = world.mqtt().v5(MqttClients.newId());
                final Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class, () -> alice
                        .connectWith().simpleAuth().username(ALICE).password(bytes(ALICE_PASSWORD)).applySimpleAuth()
                        .willPublish().topic(willTopic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("gone"))
                        .applyWillPublish().send(), willTopic);
                assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, refused.getMqttMessage().getReasonCode());
            }
            // a retained Will on its own command topic: the retain flag alone refuses it
            try (RawMqtt raw = RawMqtt.v5(world.port())) {
                assertEquals(0x87, raw.connect(bytes(MqttClients.newId()), bytes(ALICE), bytes(ALICE_PASSWORD), true,
                        bytes(CAM1_COMMAND), true));
            }
            // a Will topic with a wildcard is malformed (0x90 Topic Name invalid, or closed)
            try (RawMqtt raw = RawMqtt.v5(world.port())) {
                final int code = raw.connect(bytes(MqttClients.newId()), bytes(ALICE), bytes(ALICE_PASSWORD), true,
                        bytes("/orbweb/#"), false);
                assertTrue(code == RawMqtt.CLOSED || code == 0x90 || code == 0x81 || code == 0x87,
                        "a wildcard Will got " + code);
            }
            // 3.1.1 (mosquitto_pub): return code 5
            assertEquals(5, world.mosquittoConnAck("mqttv311", ALICE, ALICE_PASSWORD, "--will-topic", CAM3_COMMAND,
                    "--will-payload", "gone"));
            everything.sawOnlyMarker("/marker");
        }
    }

    @Test
    @DisplayName("control: Bob, the owner, may command cam3, and cam3 gets it")
    void theOwnerStillCommandsItsDevice() {
        final Mqtt5BlockingClient cam3 = world.connected(CAM3_MAC, DEVICE_PASSWORD);
        final Mqtt5BlockingClient bob = world.connected(BOB, BOB_PASSWORD);
        try (var inbox = cam3.publishes(MqttGlobalPublishFilter.ALL)) {
            bob.publishWith().topic(CAM3_COMMAND).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("pan")).send();
            assertTrue(inbox.receive(10, TimeUnit.SECONDS).isPresent());
        } catch (final InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            disconnect(cam3, bob);
        }
    }
}
