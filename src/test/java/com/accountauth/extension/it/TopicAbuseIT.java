package com.accountauth.extension.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.accountauth.extension.it.AttackFixture.ALICE;
import static com.accountauth.extension.it.AttackFixture.ALICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.BOB;
import static com.accountauth.extension.it.AttackFixture.BOB_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.CAM1_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM2_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM3_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM3_UID;
import static com.accountauth.extension.it.AttackFixture.DEVICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.LONELY;
import static com.accountauth.extension.it.AttackFixture.LONELY_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.SERVICE;
import static com.accountauth.extension.it.AttackFixture.SERVICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.disconnect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SUBSCRIBE abuse (docs/SECURITY-CASES.md, cases 1, 3 and 17-23): every filter that reaches beyond the principal's
 * own topics gets 0x87 (3.1.1: 0x80), the connection stays up, and the victim's messages do not arrive. Bob is the
 * attacker (he owns cam3, so the extension subscribed him to cam3's topics: the marker goes there); Alice, with
 * cam1 and cam2, is the victim.
 */
class TopicAbuseIT {

    static final String DANA = "dana@example.com";
    static final String DANA_PASSWORD = "dana-pass-1";
    /**
     * Device uids no permission may be built from (case 3); paired to Dana with cam1. "SPACE UID" is the exception
     * the extension makes on purpose: a space neither widens nor reshapes a filter, so it stays its own exact topic.
     */
    static final List<String> BAD_UIDS = List.of("A+B", "HASH#", "SL/ASH", "NUL\0UID", "SPACE UID", "TAB\tUID",
            "+", "#", "");

    static AttackFixture world;

    @BeforeAll
    static void start() {
        world = new AttackFixture();
        final String hash = BCrypt.hashpw(DEVICE_PASSWORD, BCrypt.gensalt(4));
        AttackFixture.account(world.db(), 5, DANA, BCrypt.hashpw(DANA_PASSWORD, BCrypt.gensalt(4)), "user");
        int id = 10;
        for (final String uid : BAD_UIDS) {
            AttackFixture.device(world.db(), id, String.format("02:00:00:00:00:%02X", id), uid, "orbweb", hash);
            world.db().execute("INSERT INTO pairings (account_id, device_id, role) VALUES (5, ?, 'owner')", id);
            id++;
        }
        world.db().execute("INSERT INTO pairings (account_id, device_id, role) VALUES (5, 1, 'viewer')");
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    static Mqtt5BlockingClient bob() {
        return world.connected(BOB, BOB_PASSWORD);
    }

    static List<Mqtt5SubAckReasonCode> subscribe(final Mqtt5BlockingClient client, final String... filters) {
        return AttackFixture.subscribe(client, filters);
    }

    static void assertAllRefused(final Mqtt5BlockingClient client, final String... filters) {
        for (final String filter : filters) {
            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(client, filter), filter);
        }
    }

    @Test
    @DisplayName("1: a user without pairings may subscribe to nothing: the default is DENY, not HiveMQ's ALLOW")
    void aUserWithoutPairingsSubscribesToNothing() throws Exception {
        final Mqtt5BlockingClient lonely = world.connected(LONELY, LONELY_PASSWORD);
        final Mqtt5BlockingClient bob = bob();
        try (var lonelyInbox = lonely.publishes(MqttGlobalPublishFilter.ALL);
             AttackFixture.Watcher bobInbox = world.inboxOf(bob)) {
            assertAllRefused(lonely, "#", "/#", "+", "/+/+/+/+", CAM3_EVENTS, "$share/g/#");
            bobInbox.sawOnlyMarker(CAM3_EVENTS);
            assertTrue(lonelyInbox.receive(300, TimeUnit.MILLISECONDS).isEmpty(), "lonely got a message");
            // it may not publish either
            assertEquals(0x87, publishCode(LONELY, LONELY_PASSWORD, CAM3_EVENTS));
        } finally {
            disconnect(lonely);
        }
        // and 3.1.1 (mosquitto_sub) hears 0x80 for the same
        final AttackFixture.Result result = AttackFixture.mosquitto("mosquitto_sub", "-d", "-V", "mqttv311",
                "-h", "127.0.0.1", "-p", Integer.toString(world.port()), "-i", MqttClients.newId(),
                "-u", LONELY, "-P", LONELY_PASSWORD, "-t", "#", "-t", "/#", "-q", "1", "-E");
        assertTrue(result.output().contains("Subscribed (mid: 1): 128, 128"), result.output());
    }

    @Test
    @DisplayName("3: a paired device whose uid holds + # / NUL or a control character never becomes a permission")
    void pairedDevicesWithUnsafeUidsGrantNothing() {
        final Mqtt5BlockingClient dana = world.connected(DANA, DANA_PASSWORD);
        try (AttackFixture.Watcher danaInbox = world.inboxOf(dana)) {
            assertAllRefused(dana, "#", "/#", "/orbweb/ipcam/motiondetector/+", "/orbweb/ipcam/+/+",
                    "/orbweb/ipcam/+/#", "/orbweb/ipcam/motiondetector/SL/ASH", "/orbweb/ipcam/motiondetector/SL/#",
                    "/orbweb/ipcam/motiondetector/SPACE", "/orbweb/ipcam/motiondetector/SPACE UID2",
                    "/orbweb/ipcam/motiondetector");
            // a uid with a space is a topic of its own, exactly (a space is no wildcard and no separator)
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1),
                    subscribe(dana, "/orbweb/ipcam/motiondetector/SPACE UID"));
            // the good pairing still works: the extension subscribed her to cam1, where the marker goes
            danaInbox.sawOnlyMarker(CAM1_EVENTS, CAM3_EVENTS, "/orbweb/ipcam/motiondetector/SL/ASH",
                    "/orbweb/ipcam/motiondetector/SPACE", "/orbweb/ipcam/motiondetector");
        }
        // the devices themselves get nothing from those templates either
        final Mqtt5BlockingClient slash = world.connected("02:00:00:00:00:0C", DEVICE_PASSWORD);
        try {
            assertAllRefused(slash, "/orbweb/ipcam/+/SL/#", "/orbweb/ipcam/+/SL/ASH", "#");
        } finally {
            disconnect(slash);
        }
        assertEquals(0x87, publishCode("02:00:00:00:00:0C", DEVICE_PASSWORD, "/orbweb/ipcam/motiondetector/SL/ASH"));
    }

    @Test
    @DisplayName("17: a refused SUBSCRIBE of another device's topic leaves the connection up and delivers nothing")
    void aRefusedSubscriptionKeepsTheConnectionAndDeliversNothing() {
        final Mqtt5BlockingClient bob = bob();
        try (AttackFixture.Watcher bobInbox = world.inboxOf(bob)) {
            assertAllRefused(bob, CAM1_EVENTS, CAM2_EVENTS);
            assertTrue(bob.getState().isConnected());
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), subscribe(bob, CAM3_EVENTS + "/#"));
            bobInbox.sawOnlyMarker(CAM3_EVENTS, CAM1_EVENTS, CAM2_EVENTS);
        }
    }

    @Test
    @DisplayName("18: broad filters each get 0x87, one code per filter in a multi-filter SUBSCRIBE (5 and 3.1.1)")
    void broadFiltersAreEachRefusedInOneSubscribe() {
        final String[] broad = {"#", "/#", "+/#", "/orbweb/#", "/orbweb/ipcam/motiondetector/+",
                "/+/ipcam/motiondetector/" + CAM3_UID, "/zavio/ipcam/motiondetector/+/location"};
        final List<String> filters = new ArrayList<>(List.of(broad));
        filters.add(CAM3_EVENTS);
        final List<Mqtt5SubAckReasonCode> expected = new ArrayList<>();
        for (int i = 0; i < broad.length; i++) {
            expected.add(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        }
        expected.add(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        final Mqtt5BlockingClient bob = bob();
        try (AttackFixture.Watcher bobInbox = world.inboxOf(bob)) {
            assertEquals(expected, subscribe(bob, filters.toArray(String[]::new)));
            bobInbox.sawOnlyMarker(CAM3_EVENTS, CAM1_EVENTS, CAM2_EVENTS + "/location");
        }
        final List<String> command = new ArrayList<>(List.of("mosquitto_sub", "-d", "-V", "mqttv311",
                "-h", "127.0.0.1", "-p", Integer.toString(world.port()), "-i", MqttClients.newId(),
                "-u", BOB, "-P", BOB_PASSWORD, "-q", "1", "-E"));
        for (final String filter : filters) {
            command.addAll(List.of("-t", filter));
        }
        final AttackFixture.Result result = AttackFixture.mosquitto(command.toArray(String[]::new));
        assertTrue(result.output().contains("Subscribed (mid: 1): 128, 128, 128, 128, 128, 128, 128, 1"),
                result.output());
    }

    @Test
    @DisplayName("19: a '+' in a permission is not taken for a '#': wider filters than the templates are refused")
    void aPlusInAPermissionDoesNotAllowAMultiLevelFilter() {
        final Mqtt5BlockingClient bob = bob();
        try (AttackFixture.Watcher bobInbox = world.inboxOf(bob)) {
            assertAllRefused(bob, "/orbweb/ipcam/+/#", "/orbweb/ipcam/#", "/orbweb/ipcam/motiondetector/#",
                    "/orbweb/ipcam/+", "/orbweb/+/+/" + CAM3_UID, "/orbweb/+/motiondetector/" + CAM3_UID + "/#");
            bobInbox.sawOnlyMarker(CAM3_EVENTS, CAM1_EVENTS, "/orbweb/ipcam/motiondetector", "/orbweb/ipcam/x");
        }
    }

    @Test
    @DisplayName("20: topics are case-sensitive and '/a' is not 'a'; a trailing '/' reaches only one's own topic")
    void spellingVariantsOfATopicAreOtherTopics() {
        final Mqtt5BlockingClient bob = bob();
        try (AttackFixture.Watcher bobInbox = world.inboxOf(bob)) {
            assertAllRefused(bob, "orbweb/ipcam/motiondetector/" + CAM3_UID,
                    "/ORBWEB/ipcam/motiondetector/" + CAM3_UID,
                    "/orbweb/ipcam/motiondetector/" + CAM3_UID.toLowerCase(),
                    CAM1_EVENTS + "/", CAM1_EVENTS.replace("XRHIU", "xrhiu"), "//orbweb/ipcam/motiondetector/" +
                            CAM3_UID);
            // a trailing '/' on its own topic is a subtopic of its own: allowed, as '/#' allows it
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), subscribe(bob, CAM3_EVENTS + "/"));
            bobInbox.sawOnlyMarker(CAM3_EVENTS, CAM1_EVENTS, CAM1_EVENTS + "/",
                    "/ORBWEB/ipcam/motiondetector/" + CAM3_UID);
        }
    }

    @Test
    @DisplayName("21: $share wrappers are judged by the filter inside and by the right to share; malformed ones fail")
    void sharedSubscriptionsAreJudgedByTheirFilterAndTheRightToShare() {
        final Mqtt5BlockingClient bob = bob();
        try (AttackFixture.Watcher bobInbox = world.inboxOf(bob)) {
            assertAllRefused(bob, "$share/g/" + CAM1_EVENTS, "$share/g/#", "$share/g/" + CAM3_EVENTS);
            bobInbox.sawOnlyMarker(CAM3_EVENTS, CAM1_EVENTS);
        }
        final Mqtt5BlockingClient service = world.connected(SERVICE, SERVICE_PASSWORD);
        try {
            // the service may share, but only what it may see ('/#', not '#')
            assertAllRefused(service, "$share/g/#", "$share/g/+/#", "$share/g/$SYS/#");
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), subscribe(service, "$share/g//#"));
        } finally {
            disconnect(service);
        }
        for (final String malformed : List.of("$share//x", "$share/g", "$share/g/", "$share/+/x")) {
            try (RawMqtt raw = RawMqtt.v5(world.port()).connected(BOB, BOB_PASSWORD)) {
                final int code = raw.subscribe(malformed.getBytes(StandardCharsets.UTF_8));
                assertTrue(code >= 0x80 || code < 0 && code != RawMqtt.TIMEOUT, malformed + ": " + code);
            }
        }
    }

    @Test
    @DisplayName("22: $SYS and $queue are nobody's: subscribing and publishing there are refused")
    void dollarTopicsAreRefused() {
        final Mqtt5BlockingClient service = world.connected(SERVICE, SERVICE_PASSWORD);
        try {
            assertAllRefused(service, "$SYS/#", "$SYS/broker/clients/+", "$queue/x", "$queue/#");
        } finally {
            disconnect(service);
        }
        final Mqtt5BlockingClient bob = bob();
        try {
            assertAllRefused(bob, "$SYS/#", "$queue/" + CAM1_EVENTS, "$queue/#");
        } finally {
            disconnect(bob);
        }
        // HiveMQ itself refuses a PUBLISH to a '$' topic (DISCONNECT 0x82); it never reaches the permissions
        for (final String topic : List.of("$SYS/x", "$SYS/broker/uptime", "$queue" + CAM1_EVENTS)) {
            for (final String who : List.of(SERVICE, BOB)) {
                final int code = publishCode(who, who.equals(SERVICE) ? SERVICE_PASSWORD : BOB_PASSWORD, topic);
                assertTrue(code == 0x87 || code < -0x80, who + " publishing to " + topic + " got " + code);
            }
        }
    }

    @Test
    @DisplayName("23: a filter of ~65k levels is refused at once, and the broker serves the next client")
    void aFilterOfTensOfThousandsOfLevelsIsRefusedQuickly() {
        for (final String filter : List.of("/".repeat(65_000), "a/".repeat(32_000) + "#", "+/".repeat(32_000) + "#")) {
            try (RawMqtt raw = RawMqtt.v5(world.port()).connected(BOB, BOB_PASSWORD)) {
                final int code = raw.subscribe(filter.getBytes(StandardCharsets.UTF_8));
                assertNotEquals(RawMqtt.TIMEOUT, code, "no answer within 10 s");
                assertTrue(code >= 0x80 || code < 0, "granted: " + code);
            }
        }
        final Mqtt5BlockingClient alice = world.connected(ALICE, ALICE_PASSWORD);
        try {
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), subscribe(alice, CAM1_EVENTS));
        } finally {
            disconnect(alice);
        }
    }

    /** The PUBACK code of one QoS 1 PUBLISH by a fresh connection (the broker disconnects after a refusal). */
    static int publishCode(final String username, final String password, final String topic) {
        try (RawMqtt raw = RawMqtt.v5(world.port()).connected(username, password)) {
            return raw.publish(topic.getBytes(StandardCharsets.UTF_8), 0, "x".getBytes(StandardCharsets.UTF_8));
        }
    }
}
