package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BcryptFixtures;
import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extension end to end: the built ZIP in the real HiveMQ CE, a real MariaDB with the shipped schema, real MQTT 5
 * and 3.1.1 clients. Every rule of authentication and authorization, allowed and denied.
 */
class AccountAuthIT {

    static final String CAM1_MAC = "00:1B:FE:0D:44:21";
    static final String CAM1_UID = "XRHIU1Z76KFMWXPDWQFM";
    static final String CAM2_MAC = "00:1B:FE:0D:44:22";
    static final String CAM2_UID = "ZAVIO2Z76KFMWXPDWQ22";
    static final String CAM3_MAC = "00:1B:FE:0D:44:23";
    static final String CAM3_UID = "ORBWEB3ZZKFMWXPDWQ33";
    static final String DEVICE_PASSWORD = "device-pass-1";

    // hashes made by other tools than ours: PHP ($2y$), Python bcrypt ($2b$), htpasswd ($2y$)
    static final BcryptFixtures.Fixture ALICE_PW = BcryptFixtures.of("php-password_hash", "s3cret-Passw0rd");
    static final BcryptFixtures.Fixture BOB_PW = BcryptFixtures.of("python-bcrypt", "correct horse battery staple");
    static final BcryptFixtures.Fixture SERVICE_PW = BcryptFixtures.of("htpasswd", "pässwörd-ünïcode-密码");

    static final String CAM1_EVENTS = "/orbweb/ipcam/motiondetector/" + CAM1_UID;
    static final String CAM2_EVENTS = "/zavio/ipcam/motiondetector/" + CAM2_UID + "/location";
    static final String CAM1_COMMAND = "/orbweb/ipcam/command/" + CAM1_UID;
    static final String CAM2_COMMAND = "/zavio/ipcam/command/" + CAM2_UID;

    static BrokerWithDatabase env;
    static MariaDbServer db;
    static MqttClients mqtt;

    @BeforeAll
    static void startDatabaseAndBroker() {
        env = BrokerWithDatabase.start(AccountAuthIT::seed, config -> config);
        db = env.db();
        mqtt = new MqttClients(env.broker().port());
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    static void seed(final MariaDbServer server) {
        db = server;
        final String deviceHash = BCrypt.hashpw(DEVICE_PASSWORD, BCrypt.gensalt(4));
        device(1, CAM1_MAC, CAM1_UID, "orbweb", deviceHash, true);
        device(2, CAM2_MAC, CAM2_UID, "zavio", deviceHash, true);
        device(3, CAM3_MAC, CAM3_UID, "orbweb", deviceHash, true);
        device(4, "00:1B:FE:0D:44:24", "DISABLEDCAM000000004", "orbweb", deviceHash, false);
        device(5, "00:1B:FE:0D:44:25", "EVIL/#", "orbweb", deviceHash, true);
        account(1, "alice@example.com", ALICE_PW.hash(), "user", true);
        account(2, "bob@example.com", BOB_PW.hash(), "user", true);
        account(3, "backend@vendor.example", SERVICE_PW.hash(), "service", true);
        account(4, "carol@example.com", BCrypt.hashpw("carol-pass", BCrypt.gensalt(4)), "user", false);
        account(5, "nohash@example.com", null, "user", true);
        account(6, "weird@example.com", "md5:5f4dcc3b5aa765d61d8327deb882cf99", "user", true);
        pairing(1, 1, "owner");
        pairing(1, 2, "viewer");
        pairing(2, 3, "owner");
    }

    static void device(final long id, final String mac, final String uid, final String vendor, final String hash,
                       final boolean enabled) {
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash, enabled) VALUES (?,?,?,?,?,?,?)",
                id, mac, uid, vendor, "ipcam", hash, enabled);
    }

    static void account(final long id, final String email, final String hash, final String role,
                        final boolean enabled) {
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES (?,?,?,?,?)",
                id, email, hash, role, enabled);
    }

    static void pairing(final long accountId, final long deviceId, final String role) {
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?,?,?)", accountId, deviceId, role);
    }

    // ---- authentication ----

    @ParameterizedTest
    @ValueSource(strings = {CAM1_MAC, "00:1b:fe:0d:44:21", "00-1B-FE-0D-44-21"})
    void deviceLogsInWithItsMacInAnyCaseOrSeparator(final String username) {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(username, DEVICE_PASSWORD));
    }

    @Test
    void usersLogInWithHashesFromPhpPythonAndHtpasswd() {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("alice@example.com", ALICE_PW.passwordText()));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("bob@example.com", BOB_PW.passwordText()));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS,
                mqtt.connect5("backend@vendor.example", SERVICE_PW.passwordText()));
        assertEquals(Mqtt3ConnAckReturnCode.SUCCESS, mqtt.connect3("alice@example.com", ALICE_PW.passwordText()));
    }

    @Test
    void emailIsComparedIgnoringCase() {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("ALICE@Example.COM", ALICE_PW.passwordText()));
    }

    @Test
    void emailWithTrailingSpaceIsNotASecondIdentity() {
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5("ALICE@example.com ", ALICE_PW.passwordText()));
    }

    @Test
    void wrongPasswordIsBadUserNameOrPassword() {
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(CAM1_MAC, "wrong"));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5("alice@example.com", "s3cret-Passw0rD"));
        assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect3(CAM1_MAC, "wrong"));
    }

    @Test
    void unknownUsernamesAreBadUserNameOrPassword() {
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("nobody@example.com", "x"));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5("00:1B:FE:0D:44:99", DEVICE_PASSWORD));
        assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect3("nobody@example.com", "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "#", "+/#", "00:1B:FE:0D:44", "\u202Ealice@example.com", "alice@example.com\u200b", "' OR '1'='1"})
    void malformedUsernamesAreRefused(final String username) {
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(username, DEVICE_PASSWORD));
    }

    @Test
    void missingUsernameOrPasswordIsRefused() {
        final Mqtt5BlockingClient anonymous = mqtt.v5(MqttClients.newId());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(anonymous, null, null));
        final Mqtt5BlockingClient noPassword = mqtt.v5(MqttClients.newId());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(noPassword, CAM1_MAC, null));
    }

    @Test
    void oddPasswordsAreRefusedNeverTruncated() {
        final Mqtt5BlockingClient huge = mqtt.v5(MqttClients.newId());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5(huge, CAM1_MAC, new byte[60_000]));
        final Mqtt5BlockingClient overLimit = mqtt.v5(MqttClients.newId());
        // the right password followed by more bytes than bcrypt reads
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(overLimit, CAM1_MAC,
                (DEVICE_PASSWORD + "x".repeat(80)).getBytes(StandardCharsets.UTF_8)));
        final Mqtt5BlockingClient withNul = mqtt.v5(MqttClients.newId());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5(withNul, CAM1_MAC, (DEVICE_PASSWORD + "\u0000tail").getBytes(StandardCharsets.UTF_8)));
        final Mqtt5BlockingClient badUtf8 = mqtt.v5(MqttClients.newId());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5(badUtf8, CAM1_MAC, new byte[]{'d', (byte) 0xC3}));
    }

    @Test
    void disabledAccountOrDeviceIsNotAuthorized() {
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, mqtt.connect5("carol@example.com", "carol-pass"));
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, mqtt.connect5("00:1B:FE:0D:44:24", DEVICE_PASSWORD));
        assertEquals(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED, mqtt.connect3("carol@example.com", "carol-pass"));
        // a wrong password on a disabled account says nothing about the account
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("carol@example.com", "nope"));
    }

    @Test
    void nullOrForeignStoredHashDenies() {
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("nohash@example.com", ""));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("nohash@example.com", "x"));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("weird@example.com",
                "password"));
    }

    @Test
    void databaseDownIsServerUnavailableNeverBadPasswordAndNotCached() {
        db.stopServer();
        try {
            assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5(CAM1_MAC, DEVICE_PASSWORD));
            assertEquals(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE,
                    mqtt.connect3("alice@example.com", ALICE_PW.passwordText()));
        } finally {
            db.startServerAgain();
        }
        // back by itself shortly after the DB accepts connections again (the pool may still be renewing: until then
        // the answer stays SERVER_UNAVAILABLE, never a bad password, and the outage answer was not cached)
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Mqtt5ConnAckReasonCode code;
        while ((code = mqtt.connect5(CAM1_MAC, DEVICE_PASSWORD)) != Mqtt5ConnAckReasonCode.SUCCESS
                && System.nanoTime() < deadline) {
            assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, code);
            sleepQuietly(250);
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, code);
    }

    private static void sleepQuietly(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- authorization ----

    @Test
    void devicesEventsReachItsPairedUserAndNotAnUnpairedOne() throws Exception {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com",
                ALICE_PW.passwordText());
        final Mqtt5BlockingClient bob = mqtt.connected5(MqttClients.newId(), "bob@example.com",
                BOB_PW.passwordText());
        final Mqtt5BlockingClient cam1 = mqtt.connected5(MqttClients.newId(), CAM1_MAC, DEVICE_PASSWORD);
        try (var aliceInbox = alice.publishes(MqttGlobalPublishFilter.ALL);
             var bobInbox = bob.publishes(MqttGlobalPublishFilter.ALL)) {
            alice.subscribeWith().topicFilter("/orbweb/ipcam/+/" + CAM1_UID).qos(MqttQos.AT_LEAST_ONCE).send();
            final Mqtt5SubAckException refused = assertThrows(Mqtt5SubAckException.class, () ->
                    bob.subscribeWith().topicFilter("/orbweb/ipcam/+/" + CAM1_UID).qos(MqttQos.AT_LEAST_ONCE).send());
            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), refused.getMqttMessage().getReasonCodes());

            cam1.publishWith().topic(CAM1_EVENTS).qos(MqttQos.AT_LEAST_ONCE).payload("motion".getBytes()).send();

            final Optional<Mqtt5Publish> received = aliceInbox.receive(5, TimeUnit.SECONDS);
            assertTrue(received.isPresent(), "alice got nothing");
            assertEquals(CAM1_EVENTS, received.get().getTopic().toString());
            assertTrue(bobInbox.receive(500, TimeUnit.MILLISECONDS).isEmpty(), "bob got cam1's event");
        } finally {
            disconnect(alice, bob, cam1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/orbweb/#", "#", "/+/+/+/+", "/+/+/+/+/#", "/orbweb/ipcam/#", "/orbweb/ipcam/+/+",
            "/zavio/ipcam/+/" + CAM3_UID, "$share/g/#", "$share/g//orbweb/ipcam/+/+", "$SYS/#", "+/#"})
    void userWildcardAndForeignSubscriptionsAreRefused(final String filter) {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com",
                ALICE_PW.passwordText());
        try {
            final Mqtt5SubAckException refused = assertThrows(Mqtt5SubAckException.class,
                    () -> alice.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send());
            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), refused.getMqttMessage().getReasonCodes());
        } finally {
            disconnect(alice);
        }
    }

    @Test
    void mqtt3SubscriptionRefusalIsFailureReturnCode() {
        final Mqtt3BlockingClient alice = mqtt.v3(MqttClients.newId());
        alice.connectWith().simpleAuth().username("alice@example.com")
                .password(ALICE_PW.passwordText().getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        try {
            final Mqtt3SubAckException refused = assertThrows(Mqtt3SubAckException.class,
                    () -> alice.subscribeWith().topicFilter("/orbweb/#").qos(MqttQos.AT_LEAST_ONCE).send());
            assertEquals(List.of(Mqtt3SubAckReturnCode.FAILURE), refused.getMqttMessage().getReturnCodes());
            // allowed one still works on 3.1.1
            assertEquals(List.of(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1), alice.subscribeWith()
                    .topicFilter("/orbweb/ipcam/+/" + CAM1_UID + "/#").qos(MqttQos.AT_LEAST_ONCE).send()
                    .getReturnCodes());
        } finally {
            alice.disconnect();
        }
    }

    @Test
    void userMaySubscribeToEveryPairedDeviceAndItsSubtopics() {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com",
                ALICE_PW.passwordText());
        try {
            for (final String filter : List.of("/orbweb/ipcam/+/" + CAM1_UID, "/orbweb/ipcam/+/" + CAM1_UID + "/#",
                    CAM2_EVENTS, "/zavio/ipcam/+/" + CAM2_UID + "/+")) {
                assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), alice.subscribeWith().topicFilter(filter)
                        .qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes(), filter);
            }
        } finally {
            disconnect(alice);
        }
    }

    @Test
    void deniedPublishesReachNobodyAndGetNotAuthorized() throws Exception {
        final Mqtt5BlockingClient service = mqtt.connected5(MqttClients.newId(), "backend@vendor.example",
                SERVICE_PW.passwordText());
        final Mqtt5BlockingClient cam1 = mqtt.connected5(MqttClients.newId(), CAM1_MAC, DEVICE_PASSWORD);
        try (var everything = service.publishes(MqttGlobalPublishFilter.ALL)) {
            service.subscribeWith().topicFilter("/#").qos(MqttQos.AT_LEAST_ONCE).send();
            // alice only views cam2: no commands; nobody publishes to a device's event topic but the device.
            // HiveMQ answers a denied PUBLISH with PUBACK 0x87 and then disconnects, so each try is a new client.
            for (final String topic : List.of(CAM2_COMMAND, CAM1_EVENTS, "/zavio/ipcam/command/" + CAM3_UID)) {
                final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com",
                        ALICE_PW.passwordText());
                final Mqtt5PubAckException denied = assertThrows(Mqtt5PubAckException.class, () -> alice.publishWith()
                        .topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload("x".getBytes()).send());
                assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, denied.getMqttMessage().getReasonCode(), topic);
                disconnect(alice);
            }
            // a device cannot speak for another device
            final Mqtt5PubAckException denied = assertThrows(Mqtt5PubAckException.class, () -> cam1.publishWith()
                    .topic(CAM2_EVENTS).qos(MqttQos.AT_LEAST_ONCE).payload("spoof".getBytes()).send());
            assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, denied.getMqttMessage().getReasonCode());
            assertTrue(everything.receive(1, TimeUnit.SECONDS).isEmpty(), "a denied message was delivered");

            // and no retained copy of a denied message waits for later subscribers
            final Mqtt5BlockingClient late = mqtt.connected5(MqttClients.newId(), "backend@vendor.example",
                    SERVICE_PW.passwordText());
            try (var lateInbox = late.publishes(MqttGlobalPublishFilter.ALL)) {
                late.subscribeWith().topicFilter("/#").qos(MqttQos.AT_LEAST_ONCE).send();
                assertTrue(lateInbox.receive(1, TimeUnit.SECONDS).isEmpty(), "a denied retained message was kept");
            } finally {
                disconnect(late);
            }
        } finally {
            disconnect(service, cam1);
        }
    }

    @Test
    void ownerSendsCommandsToItsDevice() throws Exception {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com",
                ALICE_PW.passwordText());
        final Mqtt5BlockingClient cam1 = mqtt.connected5(MqttClients.newId(), CAM1_MAC, DEVICE_PASSWORD);
        try (var cam1Inbox = cam1.publishes(MqttGlobalPublishFilter.ALL)) {
            cam1.subscribeWith().topicFilter("/orbweb/ipcam/command/" + CAM1_UID + "/#").qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            alice.publishWith().topic(CAM1_COMMAND + "/pan").qos(MqttQos.AT_LEAST_ONCE).payload("left".getBytes())
                    .send();
            final Optional<Mqtt5Publish> command = cam1Inbox.receive(5, TimeUnit.SECONDS);
            assertTrue(command.isPresent(), "cam1 got no command");
            assertEquals(CAM1_COMMAND + "/pan", command.get().getTopic().toString());
        } finally {
            disconnect(alice, cam1);
        }
    }

    @Test
    void deviceMaySubscribeOnlyToItsOwnTopics() {
        final Mqtt5BlockingClient cam1 = mqtt.connected5(MqttClients.newId(), CAM1_MAC, DEVICE_PASSWORD);
        try {
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), cam1.subscribeWith()
                    .topicFilter("/orbweb/ipcam/+/" + CAM1_UID + "/#").qos(MqttQos.AT_LEAST_ONCE).send()
                    .getReasonCodes());
            for (final String filter : List.of("/orbweb/ipcam/+/" + CAM3_UID, "/orbweb/ipcam/#", "#")) {
                assertThrows(Mqtt5SubAckException.class,
                        () -> cam1.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send(), filter);
            }
        } finally {
            disconnect(cam1);
        }
    }

    @Test
    void deviceWhoseUidHoldsWildcardsGetsNoPermissions() {
        final Mqtt5BlockingClient evil = mqtt.connected5(MqttClients.newId(), "00:1B:FE:0D:44:25", DEVICE_PASSWORD);
        try {
            for (final String filter : List.of("/orbweb/ipcam/+/EVIL/#", "/orbweb/ipcam/+/EVIL", "#")) {
                assertThrows(Mqtt5SubAckException.class,
                        () -> evil.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send(), filter);
            }
            assertThrows(Mqtt5PubAckException.class, () -> evil.publishWith().topic("/orbweb/ipcam/motion/EVIL")
                    .qos(MqttQos.AT_LEAST_ONCE).send());
        } finally {
            disconnect(evil);
        }
    }

    @Test
    void willMessageToAForeignTopicIsRefused() throws Exception {
        final Mqtt5BlockingClient service = mqtt.connected5(MqttClients.newId(), "backend@vendor.example",
                SERVICE_PW.passwordText());
        try (var everything = service.publishes(MqttGlobalPublishFilter.ALL)) {
            service.subscribeWith().topicFilter("/#").qos(MqttQos.AT_LEAST_ONCE).send();
            final Mqtt5BlockingClient cam1 = mqtt.v5(MqttClients.newId());
            final Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class, () -> cam1.connectWith()
                    .simpleAuth().username(CAM1_MAC).password(DEVICE_PASSWORD.getBytes()).applySimpleAuth()
                    .willPublish().topic(CAM2_EVENTS).qos(MqttQos.AT_LEAST_ONCE).payload("gone".getBytes())
                    .applyWillPublish().send());
            assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, refused.getMqttMessage().getReasonCode());
            assertTrue(everything.receive(1, TimeUnit.SECONDS).isEmpty(), "the refused will was delivered");

            // a will on its own topic is accepted
            final Mqtt5BlockingClient cam1Again = mqtt.v5(MqttClients.newId());
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, cam1Again.connectWith().simpleAuth().username(CAM1_MAC)
                    .password(DEVICE_PASSWORD.getBytes()).applySimpleAuth().willPublish().topic(CAM1_EVENTS + "/status")
                    .payload("offline".getBytes()).applyWillPublish().send().getReasonCode());
            disconnect(cam1Again);
        } finally {
            disconnect(service);
        }
    }

    private static void disconnect(final Mqtt5BlockingClient... clients) {
        for (final Mqtt5BlockingClient client : clients) {
            try {
                client.disconnect();
            } catch (final MqttClientStateException alreadyDisconnected) {
                // the broker may have closed it first, e.g. after a denied PUBLISH
            }
        }
    }
}
