package com.accountauth.extension.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.accountauth.extension.it.AttackFixture.ALICE;
import static com.accountauth.extension.it.AttackFixture.ALICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.CAM1_COMMAND;
import static com.accountauth.extension.it.AttackFixture.CAM1_EVENTS;
import static com.accountauth.extension.it.AttackFixture.CAM1_MAC;
import static com.accountauth.extension.it.AttackFixture.CAM3_EVENTS;
import static com.accountauth.extension.it.AttackFixture.DEVICE_PASSWORD;
import static com.accountauth.extension.it.AttackFixture.disconnect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults (docs/SECURITY-CASES.md, section b): the DB slow, its pool exhausted, rows the schema would not allow, a
 * table gone, the DB down while the broker starts; and a broker restart with a persistent session whose rights went
 * while it was offline. Each CONNECT that needs the DB fails closed with 0x88 (never 0x86, never a grant),
 * connected clients keep their rights, and it recovers. A statement for usernames starting with 'slow'
 * sleeps past the CONNECT timeout; the pool holds two connections.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    static final String PASSWORD = "fault-pass-1";

    static AttackFixture world;
    static MqttClients mqtt;

    @BeforeAll
    static void start() {
        world = new AttackFixture(config -> config
                .replace("SELECT a.id, a.email, a.password_hash, a.role, a.enabled,",
                        "SELECT a.id, a.email, a.password_hash, a.role, a.enabled, " +
                                "SLEEP(IF(a.email LIKE 'slow%', 5, 0)) AS slept,")
                .replace("<pool-size>8</pool-size>", "<pool-size>2</pool-size>")
                .replace("<connection-timeout-millis>2000</connection-timeout-millis>",
                        "<connection-timeout-millis>500</connection-timeout-millis>")
                .replace("<timeout-millis>10000</timeout-millis>", "<timeout-millis>1500</timeout-millis>"));
        mqtt = world.mqtt();
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        for (int id = 50; id < 54; id++) {
            AttackFixture.account(world.db(), id, "slow" + id + "@example.com", hash, "user");
        }
        AttackFixture.account(world.db(), 60, "gina@example.com", hash, "user");
        AttackFixture.account(world.db(), 61, "hank@example.com", hash, "user");
        AttackFixture.account(world.db(), 62, "ivan@example.com", hash, "user");
        AttackFixture.account(world.db(), 63, "jane@example.com", hash, "user");
        world.db().execute("INSERT INTO pairings (account_id, device_id, role) VALUES (60, 3, 'owner'), " +
                "(62, 3, 'owner'), (63, 3, 'viewer'), (63, 1, 'viewer')");
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    static CompletableFuture<Mqtt5ConnAckReasonCode> connectAsync(final String username) {
        return CompletableFuture.supplyAsync(() -> mqtt.connect5(username, PASSWORD));
    }

    @Test
    @Order(1)
    @DisplayName("b/slow DB: a CONNECT the DB cannot answer in time gets 0x88, and another CONNECT meanwhile gets in")
    void aSlowDatabaseIsServerUnavailableWhileOthersGetIn() throws Exception {
        final CompletableFuture<Mqtt5ConnAckReasonCode> slow = connectAsync("slow50@example.com");
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(CAM1_MAC, DEVICE_PASSWORD));
        assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, slow.get(20, TimeUnit.SECONDS));
        // the failure was not remembered as a verdict: still unavailable, not a bad password
        assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5("slow50@example.com", PASSWORD));
    }

    @Test
    @Order(2)
    @DisplayName("b/pool exhausted: surplus CONNECTs fail with 0x88, connected clients and cached reconnects go on")
    void anExhaustedPoolFailsTheSurplusAndRecovers() throws Exception {
        final String aliceId = MqttClients.newId();
        final Mqtt5BlockingClient alice = mqtt.connected5(aliceId, ALICE, ALICE_PASSWORD);
        final Mqtt5BlockingClient cam1 = mqtt.connected5(CAM1_MAC, CAM1_MAC, DEVICE_PASSWORD);
        try (var cam1Inbox = cam1.publishes(MqttGlobalPublishFilter.ALL)) {
            final List<CompletableFuture<Mqtt5ConnAckReasonCode>> slow = new ArrayList<>();
            for (int id = 50; id < 54; id++) {
                slow.add(connectAsync("slow" + id + "@example.com"));
            }
            // meanwhile: a connected owner commands its device, and its own reconnect is answered from the cache
            alice.publishWith().topic(CAM1_COMMAND).qos(MqttQos.AT_LEAST_ONCE).payload("pan".getBytes()).send();
            assertTrue(cam1Inbox.receive(10, TimeUnit.SECONDS).isPresent(), "the command did not arrive");
            for (final CompletableFuture<Mqtt5ConnAckReasonCode> each : slow) {
                assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, each.get(20, TimeUnit.SECONDS));
            }
        } finally {
            disconnect(alice, cam1);
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(mqtt.v5(aliceId), ALICE,
                ALICE_PASSWORD.getBytes(StandardCharsets.UTF_8)));
        // and the pool is back: a cold CONNECT that needs the DB gets in
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, awaitCode("hank@example.com", Mqtt5ConnAckReasonCode.SUCCESS));
    }

    @Test
    @Order(3)
    @DisplayName("b/garbage rows: an unknown account role or pairing role grants nothing")
    void rowsTheSchemaWouldRefuseGrantNothing() {
        world.db().execute("ALTER TABLE accounts DROP CONSTRAINT ck_accounts_role");
        world.db().execute("ALTER TABLE pairings DROP CONSTRAINT ck_pairings_role");
        world.db().execute("UPDATE accounts SET role = 'admin' WHERE id = 61");
        world.db().execute("INSERT INTO pairings (account_id, device_id, role) VALUES (61, 1, 'god')");
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED,
                awaitCode("hank@example.com", Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        world.db().execute("UPDATE accounts SET role = 'user' WHERE id = 61");
        final Mqtt5BlockingClient hank = awaitConnected("hank@example.com");
        try {
            for (final String filter : List.of(CAM1_EVENTS, "/orbweb/ipcam/+/" + AttackFixture.CAM1_UID + "/#",
                    "#")) {
                assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), AttackFixture.subscribe(hank, filter));
            }
        } finally {
            disconnect(hank);
        }
    }

    @Test
    @Order(4)
    @DisplayName("b/table gone mid-run: 0x88, not a grant without pairings; back when the table is")
    void aMissingTableIsServerUnavailable() {
        world.db().execute("RENAME TABLE pairings TO pairings_away");
        try {
            assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5("gina@example.com", PASSWORD));
        } finally {
            world.db().execute("RENAME TABLE pairings_away TO pairings");
        }
        final Mqtt5BlockingClient gina = awaitConnected("gina@example.com");
        try {
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), AttackFixture.subscribe(gina, CAM3_EVENTS));
        } finally {
            disconnect(gina);
        }
    }

    @Test
    @Order(5)
    @DisplayName("b/DB down: connected clients keep their rights; new CONNECTs get 0x88")
    void connectedClientsKeepTheirRightsWhileTheDbIsDown() throws Exception {
        final Mqtt5BlockingClient alice = world.connected(ALICE, ALICE_PASSWORD);
        final Mqtt5BlockingClient cam1 = world.connected(CAM1_MAC, DEVICE_PASSWORD);
        world.db().stopServer();
        try (var cam1Inbox = cam1.publishes(MqttGlobalPublishFilter.ALL)) {
            assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5("ivan@example.com", PASSWORD));
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1), AttackFixture.subscribe(alice, CAM1_EVENTS));
            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), AttackFixture.subscribe(alice, CAM3_EVENTS));
            alice.publishWith().topic(CAM1_COMMAND).qos(MqttQos.AT_LEAST_ONCE).payload("pan".getBytes()).send();
            assertTrue(cam1Inbox.receive(10, TimeUnit.SECONDS).isPresent(), "the command did not arrive");
        } finally {
            world.db().startServerAgain();
            disconnect(alice, cam1);
        }
    }

    @Test
    @Order(6)
    @DisplayName("b/DB down at start: the broker admits nobody (0x88) until the DB is back, then admits by the rules")
    void aBrokerStartedWhileTheDbIsDownAdmitsNobody() {
        world.db().stopServer();
        try {
            world.broker().restart();
            assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5(ALICE, ALICE_PASSWORD));
            assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5(ALICE, "wrong"));
            // without a username there is nothing to look up: a credential verdict, no DB needed
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(null, null));
            assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5(CAM1_MAC, DEVICE_PASSWORD));
        } finally {
            world.db().startServerAgain();
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, awaitCode("ivan@example.com", Mqtt5ConnAckReasonCode.SUCCESS));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(ALICE, "wrong"));
    }

    @Test
    @Order(7)
    @DisplayName("b/broker restart: a persistent session whose device went while it was offline gets none of its queue")
    void aSessionRestoredAfterARestartGetsNothingOfARevokedDevice() throws Exception {
        final String clientId = MqttClients.newId();
        final Mqtt5BlockingClient jane = mqtt.v5(clientId);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, jane.connectWith().cleanStart(true).sessionExpiryInterval(3600)
                .simpleAuth().username("jane@example.com").password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send().getReasonCode());
        // the extension subscribes the session to cam3's and cam1's events right after the CONNACK
        AttackFixture.sleep(500);
        jane.disconnect();
        final Mqtt5BlockingClient service = world.connected(AttackFixture.SERVICE, AttackFixture.SERVICE_PASSWORD);
        try {
            service.publishWith().topic(CAM3_EVENTS).qos(MqttQos.AT_LEAST_ONCE).payload("queued".getBytes()).send();
        } finally {
            disconnect(service);
        }
        world.db().execute("DELETE FROM pairings WHERE account_id = 63 AND device_id = 3");
        awaitRefused("jane@example.com", CAM3_EVENTS);
        world.broker().restart();

        final Mqtt5BlockingClient back = mqtt.v5(clientId);
        try (AttackFixture.Watcher inbox = world.inboxOf(back)) {
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, awaitResumed(back));
            inbox.sawOnlyMarker(CAM1_EVENTS, CAM3_EVENTS);
        }
    }

    private static Mqtt5ConnAckReasonCode awaitResumed(final Mqtt5BlockingClient client) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Mqtt5ConnAckReasonCode code;
            try {
                code = client.connectWith().cleanStart(false).sessionExpiryInterval(3600).simpleAuth()
                        .username("jane@example.com").password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth().send().getReasonCode();
            } catch (final Mqtt5ConnAckException refused) {
                code = refused.getMqttMessage().getReasonCode();
            }
            if (code == Mqtt5ConnAckReasonCode.SUCCESS || System.nanoTime() > deadline) {
                return code;
            }
            AttackFixture.sleep(200);
        }
    }

    @Test
    @Order(8)
    @DisplayName("b/restart inside the JVM (HiveMQ stops and starts the extension): nothing of the stopped one stays")
    void aRestartLeavesNoThreadOfTheStoppedExtensionBehind() {
        awaitConnected("ivan@example.com").disconnect(); // the driver is loaded and the pool in use
        final long cleanupThreads = threadsNamed("mysql-cj-abandoned-connection-cleanup");
        final long ownThreads = threadsNamed("account-auth");
        // the test's own Connector/J (its DB connections) has one too
        assertTrue(cleanupThreads >= 1, "the extension's Connector/J has no cleanup thread to look for");
        for (int i = 0; i < 2; i++) {
            world.broker().restart();
            awaitConnected("ivan@example.com").disconnect();
        }
        // each started extension has a class loader of its own; a thread left from a stopped one keeps all of it
        assertEquals(cleanupThreads, threadsNamed("mysql-cj-abandoned-connection-cleanup"));
        assertEquals(ownThreads, threadsNamed("account-auth"));
    }

    private static long threadsNamed(final String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix)).count();
    }

    /** Waits until a fresh connection of {@code username} is refused {@code filter}: the change was applied. */
    private static void awaitRefused(final String username, final String filter) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            final Mqtt5BlockingClient probe = world.connected(username, PASSWORD);
            try {
                if (AttackFixture.subscribe(probe, filter).equals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED))) {
                    return;
                }
            } finally {
                disconnect(probe);
            }
            assertTrue(System.nanoTime() < deadline, "the change never took effect");
            AttackFixture.sleep(200);
        }
    }

    static Mqtt5ConnAckReasonCode awaitCode(final String username, final Mqtt5ConnAckReasonCode expected) {
        return world.awaitCode(username, PASSWORD, expected);
    }

    static Mqtt5BlockingClient awaitConnected(final String username) {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, awaitCode(username, Mqtt5ConnAckReasonCode.SUCCESS));
        return world.connected(username, PASSWORD);
    }
}
