package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.JsonObjects;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.codahale.metrics.MetricRegistry;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics in the real broker's registry after a scripted sequence of CONNECTs and a live change, and the audit
 * trail as JSON lines ({@code <audit><format>json}), each parsed. At the end the broker stops and the extension's
 * metrics are gone from the registry.
 */
class MetricsIT {

    private static final String ALICE_PASSWORD = "alice-pass";
    private static final String CAMERA_PASSWORD = "cam-pass";
    private static final String CAMERA = "00:1B:FE:0D:44:21";
    private static final String NEVER_LOGGED_IN = "00:1B:FE:0D:44:22";
    private static final String ODD_CLIENT_ID = "odd-\"quoted\"\\back-caf\u00e9-\ud83d\ude00";

    private static BrokerWithDatabase env;
    private static MqttClients mqtt;

    @BeforeAll
    static void start() {
        // first logins read from the DB, as counted below: no device rows preloaded at start
        env = BrokerWithDatabase.start(MetricsIT::seed, xml -> EmbeddedBroker.withoutPreload(xml)
                .replace("<poll-interval-millis>2000<", "<poll-interval-millis>200<")
                // a username's failures from an address it never logged in from: 2, then throttled
                .replace("<username-failure-burst>100000<", "<username-failure-burst>2<")
                .replace("<format>text</format>", "<format>json</format>"));
        mqtt = new MqttClients(env.broker().port());
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    private static void seed(final MariaDbServer db) {
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash, enabled) VALUES " +
                "(1, ?, 'CAMUID1', 'orbweb', 'ipcam', ?, TRUE)", CAMERA, BCrypt.hashpw(CAMERA_PASSWORD,
                BCrypt.gensalt(4)));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash, enabled) VALUES " +
                "(2, ?, 'CAMUID2', 'orbweb', 'ipcam', ?, TRUE)", NEVER_LOGGED_IN, BCrypt.hashpw("other",
                BCrypt.gensalt(4)));
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES " +
                "(1, 'alice@example.com', ?, 'user', TRUE)", BCrypt.hashpw(ALICE_PASSWORD, BCrypt.gensalt(4)));
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner')");
    }

    @Test
    void aScriptedSequenceIsCountedAndAuditedAsJson() throws Exception {
        final MetricRegistry registry = env.broker().metricRegistry();
        final RegisteredMetrics metrics = new RegisteredMetrics(registry);
        try (LogCapture audit = new LogCapture("account-auth.audit")) {
            final Mqtt5BlockingClient alice = mqtt.connected5("alice-phone", "alice@example.com", ALICE_PASSWORD);
            final Mqtt5BlockingClient camera = mqtt.connected5("camera-1", CAMERA, CAMERA_PASSWORD);
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    mqtt.connect5("alice@example.com", "wrong-pass"));
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(mqtt.v5(ODD_CLIENT_ID),
                    "nobody@example.com", MqttClients.bytes("whatever")));
            final List<Mqtt5ConnAckReasonCode> guesses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                guesses.add(mqtt.connect5(NEVER_LOGGED_IN, "guess-" + i));
            }
            assertEquals(List.of(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD), guesses.subList(0, 2), guesses.toString());
            final long throttled = guesses.stream().filter(c -> c == Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED)
                    .count();
            assertTrue(throttled >= 1, guesses.toString());

            assertEquals(2, metrics.count("connect.allowed"));
            assertEquals(2 + 4 - throttled, metrics.count("connect.refused.bad-credentials"));
            assertEquals(throttled, metrics.count("connect.refused.throttled"));
            assertEquals(throttled, metrics.count("throttled.username"));
            assertEquals(0, metrics.count("throttled.address"));
            assertEquals(0, metrics.count("connect.refused.unavailable"));
            // bcrypt for the two logins, alice's wrong password and the guesses that got through; dummies for
            // the unknown account
            assertEquals(2 + 1 + (4 - throttled), metrics.timerCount("password.checks.bcrypt"));
            assertEquals(1, metrics.timerCount("password.checks.dummy"));
            // every CONNECT that was not throttled waited for a worker (none was cached: first logins)
            assertEquals(2 + 1 + 1 + (4 - throttled), metrics.timerCount("connect.queue.wait"));
            assertEquals(0, metrics.gauge("connect.queue.depth").intValue());
            assertTrue(metrics.timerCount("db.account-by-email.time") >= 2);
            assertTrue(metrics.timerCount("db.device-by-mac.time") >= 2);
            assertEquals(0, metrics.count("db.account-by-email.errors"));
            // known rows: alice's for her wrong password, the device's for each guess after the first that got through
            assertEquals(1 + (4 - throttled - 1), metrics.count("cache.principals.hits"));
            // alice, the camera, the unknown account and the guessed device, each loaded once
            assertEquals(4, metrics.count("cache.principals.misses"));
            assertEquals(0, metrics.gauge("outage.active").intValue());
            assertTrue(metrics.gauge("pool.idle").intValue() + metrics.gauge("pool.active").intValue() >= 1);
            assertEquals(0, metrics.gauge("pool.waiting").intValue());
            awaitTrue(() -> metrics.gauge("clients.connected.user").intValue() == 1 &&
                    metrics.gauge("clients.connected.device").intValue() == 1, "one user and one device connected");
            assertEquals(0, metrics.gauge("clients.connected.service").intValue());

            // a reconnect from the caches: hits, no worker
            alice.disconnect();
            awaitTrue(() -> metrics.gauge("clients.connected.user").intValue() == 0, "alice gone");
            final Mqtt5BlockingClient again = mqtt.connected5("alice-phone", "alice@example.com", ALICE_PASSWORD);
            assertEquals(3, metrics.count("connect.allowed"));
            assertEquals(1, metrics.count("cache.credentials.hits"));
            assertEquals(1, metrics.count("cache.plans.hits"));

            // a live change
            final long applied = metrics.count("feed.changes.applied");
            env.db().execute("UPDATE pairings SET role = 'viewer' WHERE account_id = 1");
            awaitTrue(() -> metrics.count("feed.changes.applied") > applied, "the change applied");
            assertTrue(metrics.gauge("feed.lag").doubleValue() < 30, "lag " + metrics.gauge("feed.lag"));
            awaitTrue(() -> audit.lines().stream().anyMatch(line -> line.contains("change_applied")),
                    "the change audited");
            again.disconnect();
            camera.disconnect();

            checkJsonAudit(audit.lines());
        }

        env.broker().close();
        assertEquals(List.of(), registry.getNames().stream().filter(name -> name.startsWith("com.accountauth."))
                .toList(), "left in the registry after the extension stopped");
    }

    private static void checkJsonAudit(final List<String> lines) {
        final List<Map<String, Object>> events = new ArrayList<>();
        for (final String line : lines) {
            assertTrue(line.startsWith("INFO {"), line);
            events.add(JsonObjects.parse(line.substring("INFO ".length())));
        }
        final Map<String, Object> allowed = events.get(0);
        assertEquals("connect_allowed", allowed.get("event"));
        assertEquals("alice-phone", allowed.get("client_id"));
        assertEquals("user 'alice@example.com' (id 1)", allowed.get("principal"));
        assertEquals("127.0.0.1", allowed.get("address"));
        assertNotNull(allowed.get("listener"));
        assertEquals(1L, allowed.get("publish_permissions"));

        final Map<String, Object> odd = events.stream().filter(e -> ODD_CLIENT_ID.equals(e.get("client_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no line for the odd client id in " + lines));
        assertEquals("connect_refused", odd.get("event"));
        assertEquals("BAD_USER_NAME_OR_PASSWORD", odd.get("reason_code"));
        assertEquals("unknown account 'nobody@example.com'", odd.get("why"));

        final Map<String, Object> throttled = events.stream()
                .filter(e -> "CONNECTION_RATE_EXCEEDED".equals(e.get("reason_code"))).findFirst()
                .orElseThrow(() -> new AssertionError("no throttled line in " + lines));
        // the extension's own explanation is whole, however long
        assertTrue(((String) throttled.get("why")).matches("throttled, too many failed logins for its username " +
                "from new addresses, now from 127\\.0\\.0\\.1.*"), throttled.toString());
        final Map<String, Object> change = events.stream().filter(e -> "change_applied".equals(e.get("event")))
                .findFirst().orElseThrow();
        assertEquals(List.of("alice-phone"), change.get("client_ids"));
        assertEquals(0L, change.get("publish_permissions"));
        assertTrue(lines.stream().noneMatch(line -> line.contains(ALICE_PASSWORD) || line.contains("wrong-pass") ||
                line.contains("guess-")));
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
