package com.accountauth.extension.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.accountauth.extension.it.AttackFixture.ALICE;
import static com.accountauth.extension.it.AttackFixture.ALICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.BOB;
import static com.accountauth.extension.it.AttackFixture.BOB_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.CAM1_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM1_MAC;
import static com.accountauth.extension.it.AttackFixture.CAM3_EVENTS;
import static com.accountauth.extension.it.AttackFixture.DEVICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.disconnect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad credentials at CONNECT (docs/SECURITY-CASES.md, cases 2-13, 16 and 31): each refused with its code, and nothing
 * gained. Fields real clients will not send (NUL, ill-formed UTF-8, a password without a username) go out raw.
 */
class BadCredentialsIT {

    static AttackFixture world;
    static MqttClients mqtt;

    @BeforeAll
    static void start() {
        world = new AttackFixture();
        mqtt = world.mqtt();
        final String validHash = BCrypt.hashpw("hash-pass-1", BCrypt.gensalt(4));
        // case 10: stored hashes that cannot be used, each tried with the password they seem to hold
        int id = 10;
        for (final String hash : List.of("", "hash-pass-1", validHash.substring(0, 40),
                "$2x$" + validHash.substring(4), "$2a$31$" + validHash.substring(7), "$2a$04$", "$2$04$x")) {
            AttackFixture.account(world.db(), id, "stored" + id + "@example.com", hash, "user");
            id++;
        }
        AttackFixture.account(world.db(), 30, "erin@example.com", BCrypt.hashpw("erin-old-1", BCrypt.gensalt(4)),
                "user");
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    @DisplayName("2: wildcards in the username are refused as bad credentials, in MQTT 5 and 3.1.1")
    void wildcardUsernamesAreBadCredentials() {
        for (final String username : List.of("#", "+", "+@example.com", "alice@#", "00:1B:FE:0D:44:+1",
                "00:1B:FE:0D:44:2+")) {
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(username, DEVICE_PASSWORD),
                    username);
            assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect3(username, DEVICE_PASSWORD),
                    username);
        }
    }

    @Test
    @DisplayName("2: a wildcard client id builds no permission: the connection may do what its principal may")
    void wildcardClientIdsGainNothing() {
        for (final String clientId : List.of("#", "+", "+/#")) {
            final Mqtt5BlockingClient bob = mqtt.v5(clientId);
            final Mqtt5ConnAckReasonCode code = mqtt.connect5(bob, BOB, BOB_PASSWORD.getBytes(StandardCharsets.UTF_8));
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, code, clientId);
            try {
                for (final String filter : List.of(CAM1_EVENTS, "#", "/#")) {
                    final Mqtt5SubAckException refused = assertThrows(Mqtt5SubAckException.class, () ->
                            bob.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send(), filter);
                    assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                            refused.getMqttMessage().getReasonCodes());
                }
            } finally {
                disconnect(bob);
            }
        }
    }

    @Test
    @DisplayName("4: SQL metacharacters in the username match no row (no LIKE, no string-built SQL)")
    void sqlMetacharactersInTheUsernameMatchNothing() {
        for (final String username : List.of("%@example.com", "alic_@example.com", "a%@example.com",
                "alice@example.co_", "alice\\@example.com", "'OR'1'='1'--@example.com", "alice@example.com'--",
                "alice@example.com\\")) {
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(username, ALICE_PASSWORD),
                    username);
        }
        assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect3("%@example.com", ALICE_PASSWORD));
        // the control: the same password with alice's own name gets in
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(ALICE, ALICE_PASSWORD));
    }

    @Test
    @DisplayName("5: case and accent variants of a username map to the DB's row: its rights, its client ids, no other")
    void caseAndAccentVariantsOfAUsernameAreTheCanonicalAccount() {
        // the schema's utf8mb4_unicode_ci folds case and accents (the README says so): 'alicé' finds alice's row
        final String aliceClientId = MqttClients.newId();
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(mqtt.v5(aliceClientId), ALICE,
                ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8)));
        for (final String variant : List.of("ALICE@example.com", "alicé@example.com", "ÁLICE@EXAMPLE.COM")) {
            // the client id alice bound is the variant's own: it is the same account
            final Mqtt5BlockingClient client = mqtt.v5(aliceClientId);
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS,
                    mqtt.connect5(client, variant, ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8)), variant);
            try {
                assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1),
                        AttackFixture.subscribe(client, CAM1_EVENTS), variant);
                assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                        AttackFixture.subscribe(client, CAM3_EVENTS), variant);
            } finally {
                disconnect(client);
            }
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(variant, BOB_PASSWORD));
        }
        // a variant cannot take bob's client id either: the binding is by account, not by the spelling
        final String bobClientId = MqttClients.newId();
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(mqtt.v5(bobClientId), BOB,
                BOB_PASSWORD.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, mqtt.connect5(mqtt.v5(bobClientId),
                "alicé@example.com", ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8)));
        // whitespace is never folded away (PAD SPACE collations would): refused before the DB (a control
        // character already by HiveMQ, as malformed)
        assertEquals(Mqtt5ConnAckReasonCode.MALFORMED_PACKET, mqtt.connect5("alice@example.com\t", ALICE_PASSWORD));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5("alice@example.com\u00a0", ALICE_PASSWORD));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5("alice@example.com ", ALICE_PASSWORD));
    }

    @Test
    @DisplayName("6: NUL or ill-formed UTF-8 in the username or client id: closed before the extension decides")
    void nulOrIllFormedUtf8InUsernameOrClientIdIsRefused() {
        final byte[] password = ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8);
        final List<byte[]> badNames = List.of("alice@example.com\0".getBytes(StandardCharsets.UTF_8),
                new byte[]{'a', 'l', (byte) 0xC3, '@', 'x', '.', 'c', 'o', 'm'},
                new byte[]{'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '@', 'x', '.', 'c', 'o'}); // a lone surrogate
        for (final byte[] name : badNames) {
            try (RawMqtt raw = RawMqtt.v5(world.port())) {
                assertRefusedAsMalformed(raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8), name,
                        password, true));
            }
            try (RawMqtt raw = RawMqtt.v3(world.port())) {
                // HiveMQ lets some through on 3.1.1; the extension then refuses them as bad credentials
                final int code = raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8), name, password,
                        true);
                assertTrue(code == RawMqtt.CLOSED || code == 4, "3.1.1 got " + code);
            }
        }
        for (final byte[] clientId : List.of("it-\0x".getBytes(StandardCharsets.UTF_8),
                new byte[]{'i', 't', (byte) 0xFF})) {
            try (RawMqtt raw = RawMqtt.v5(world.port())) {
                assertRefusedAsMalformed(raw.connect(clientId, ALICE.getBytes(StandardCharsets.UTF_8), password,
                        true));
            }
        }
        // the victim is unaffected
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(ALICE, ALICE_PASSWORD));
    }

    private static void assertRefusedAsMalformed(final int code) {
        assertTrue(code == RawMqtt.CLOSED || code == 0x81 || code == 0x85 || code == 0x86,
                "a malformed CONNECT got " + code);
    }

    @Test
    @DisplayName("7: a password with NUL or raw 0xFF bytes is bad credentials, in 3.1.1 too")
    void binaryPasswordsAreBadCredentials() {
        for (final byte[] password : List.of(new byte[]{(byte) 0xFF, (byte) 0xFE},
                (DEVICE_PASSWORD + "\0").getBytes(StandardCharsets.UTF_8),
                new byte[]{'d', 'e', 'v', 'i', 'c', 'e', '-', 'p', 'a', 's', 's', '-', '1', (byte) 0xFF})) {
            try (RawMqtt raw = RawMqtt.v3(world.port())) {
                assertEquals(4, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8),
                        CAM1_MAC.getBytes(StandardCharsets.UTF_8), password, true));
            }
            try (RawMqtt raw = RawMqtt.v5(world.port())) {
                assertEquals(0x86, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8),
                        CAM1_MAC.getBytes(StandardCharsets.UTF_8), password, true));
            }
        }
    }

    @Test
    @DisplayName("8: the right password followed by bytes past bcrypt's 72 is bad credentials (MQTT 5 and 3.1.1)")
    void passwordLongerThanBcryptReadsIsBadCredentials() {
        final String first72 = DEVICE_PASSWORD + "y".repeat(72 - DEVICE_PASSWORD.length());
        final String hash = BCrypt.hashpw(first72, BCrypt.gensalt(4));
        world.db().execute("UPDATE devices SET password_hash = ? WHERE id = 2", hash);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS,
                world.awaitCode(AttackFixture.CAM2_MAC, first72, Mqtt5ConnAckReasonCode.SUCCESS));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5(AttackFixture.CAM2_MAC, first72 + "z"));
        assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect3(AttackFixture.CAM2_MAC, first72 + "zzzzzzzz"));
    }

    @Test
    @DisplayName("10: a stored hash that is empty, plaintext, truncated, $2x$ or cost 31 denies; the broker lives on")
    void unusableStoredHashesDeny() {
        for (int id = 10; id < 17; id++) {
            final String username = "stored" + id + "@example.com";
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(username, "hash-pass-1"),
                    username);
            assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect3(username, "hash-pass-1"),
                    username);
        }
        // nothing escaped: a good login is still answered
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(ALICE, ALICE_PASSWORD));
    }

    @Test
    @DisplayName("11: unknown username and wrong password get the same code, also with inputs over 72 bytes")
    void unknownUsernameAndWrongPasswordLookAlike() {
        final String long80 = "p".repeat(80);
        for (final String password : List.of("wrong", long80)) {
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(ALICE, password));
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    mqtt.connect5("nobody@example.com", password));
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    mqtt.connect5("00:1B:FE:0D:44:99", password));
            assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect3(ALICE, password));
            assertEquals(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD,
                    mqtt.connect3("nobody@example.com", password));
        }
    }

    @Test
    @DisplayName("11 (mosquitto 3.1.1): wrong password and unknown user both hear return code 4")
    void mosquittoClientsHearBadCredentialsForBoth() {
        assertEquals(4, world.mosquittoConnAck("mqttv311", ALICE, "wrong"));
        assertEquals(4, world.mosquittoConnAck("mqttv311", "nobody@example.com", "wrong"));
        assertEquals(0x86, world.mosquittoConnAck("mqttv5", "nobody@example.com", "wrong"));
        assertEquals(0, world.mosquittoConnAck("mqttv311", ALICE, ALICE_PASSWORD));
    }

    @Test
    @DisplayName("12: a password without a username is bad credentials (MQTT 5), a protocol error (3.1.1)")
    void passwordWithoutUsernameIsRefused() {
        try (RawMqtt raw = RawMqtt.v5(world.port())) {
            assertEquals(0x86, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8), null,
                    ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8), true));
        }
        try (RawMqtt raw = RawMqtt.v3(world.port())) {
            // MQTT-3.1.2-22: the password flag needs the username flag
            assertEquals(RawMqtt.CLOSED, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8), null,
                    ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8), true));
        }
        try (RawMqtt raw = RawMqtt.v5(world.port())) {
            assertEquals(0x86, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8),
                    ALICE.getBytes(StandardCharsets.UTF_8), null, true));
        }
    }

    @Test
    @DisplayName("13: usernames and passwords of up to 65,535 bytes are bad credentials, and the broker lives on")
    void oversizedCredentialsAreBadCredentials() {
        final byte[] huge = "a".repeat(65_000).getBytes(StandardCharsets.UTF_8);
        final byte[] hugeEmail = ("a".repeat(64_000) + "@example.com").getBytes(StandardCharsets.UTF_8);
        try (RawMqtt raw = RawMqtt.v5(world.port())) {
            assertEquals(0x86, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8), hugeEmail,
                    ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8), true));
        }
        try (RawMqtt raw = RawMqtt.v5(world.port())) {
            assertEquals(0x86, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8),
                    ALICE.getBytes(StandardCharsets.UTF_8), huge, true));
        }
        try (RawMqtt raw = RawMqtt.v3(world.port())) {
            assertEquals(4, raw.connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8), huge, huge, true));
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(ALICE, ALICE_PASSWORD));
    }

    @Test
    @DisplayName("16: an empty client id with a persistent session is refused with 3.1.1 return code 2")
    void emptyClientIdWithPersistentSessionIsIdentifierRejected() {
        try (RawMqtt raw = RawMqtt.v3(world.port())) {
            assertEquals(2, raw.connect(new byte[0], ALICE.getBytes(StandardCharsets.UTF_8),
                    ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8), false));
        }
        // MQTT 5 lets the broker assign one; the principal then gets only its own rights
        try (RawMqtt raw = RawMqtt.v5(world.port())) {
            assertEquals(0, raw.connect(new byte[0], BOB.getBytes(StandardCharsets.UTF_8),
                    BOB_PASSWORD.getBytes(StandardCharsets.UTF_8), false));
            assertEquals(0x87, raw.subscribe(CAM1_EVENTS.getBytes(StandardCharsets.UTF_8)));
            assertEquals(1, raw.subscribe(CAM3_EVENTS.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    @DisplayName("31: after a success a wrong password is still refused, and a changed password stops the old one")
    void aCachedSuccessNeverAdmitsAnotherPasswordAndAPasswordChangeTakesEffect() {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("erin@example.com", "erin-old-1"));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("erin@example.com", "erin-old-2"));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("ERIN@example.com", "erin-old"));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("ERIN@example.com", "erin-old-1"));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("erín@example.com", "erin-old-1"));
        world.db().execute("UPDATE accounts SET password_hash = ? WHERE id = 30",
                BCrypt.hashpw("erin-new-1", BCrypt.gensalt(4)));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                world.awaitCode("erin@example.com", "erin-old-1", Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        // every spelling that was cached is gone too
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("ERIN@example.com", "erin-old-1"));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5("erín@example.com", "erin-old-1"));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("erin@example.com", "erin-new-1"));
    }
}
