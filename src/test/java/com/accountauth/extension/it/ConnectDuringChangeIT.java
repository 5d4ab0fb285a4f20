package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CONNECT whose DB reads are in flight while a live change lands ends up with the new rights or is refused
 * (SECURITY-CASES 33). The shipped statements get a named lock that the test holds, so a CONNECT's read of an
 * account row, or of its pairings, waits after its snapshot was taken; meanwhile the change commits and the change
 * feed applies it. A canary client disconnected by the same transaction shows that the feed has applied it.
 */
class ConnectDuringChangeIT {

    static final String PASSWORD = "race-pass-1";
    static final AtomicInteger IDS = new AtomicInteger(500);

    static BrokerWithDatabase env;
    static MariaDbServer db;
    static int port;

    @BeforeAll
    static void start() {
        env = BrokerWithDatabase.start(server -> { }, config -> config
                // the account row is read, then the statement waits while the test holds 'hold-<email>'
                .replace("SELECT a.id, a.email, a.password_hash, a.role, a.enabled,",
                        "SELECT a.id, a.email, a.password_hash, a.role, a.enabled, " +
                                "GET_LOCK(CONCAT('hold-', a.email), 30) + RELEASE_LOCK(CONCAT('hold-', a.email)) " +
                                "AS held,")
                // likewise the pairings, while the test holds 'pairings-<account id>'
                .replace("SELECT d.id, d.uid, d.vendor, d.model, d.enabled, p.role FROM pairings p",
                        "SELECT d.id, d.uid, d.vendor, d.model, d.enabled, p.role, " +
                                "GET_LOCK(CONCAT('pairings-', p.account_id), 30) + " +
                                "RELEASE_LOCK(CONCAT('pairings-', p.account_id)) AS held FROM pairings p")
                .replace("<poll-interval-millis>2000</poll-interval-millis>",
                        "<poll-interval-millis>250</poll-interval-millis>")
                // a held statement must outwait the change, not time out
                .replace("<query-timeout-seconds>2</query-timeout-seconds>",
                        "<query-timeout-seconds>20</query-timeout-seconds>"));
        db = env.db();
        port = env.broker().port();
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    static int account() {
        final int id = IDS.incrementAndGet();
        db.execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (?,?,?,'user')", id,
                "race" + id + "@example.com", BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4)));
        return id;
    }

    static String email(final int id) {
        return "race" + id + "@example.com";
    }

    static int device() {
        final int id = IDS.incrementAndGet();
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?,?)", id,
                String.format("02:00:00:00:%02X:%02X", id / 256, id % 256), "RACEUID" + id, "orbweb", "ipcam",
                BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4)));
        return id;
    }

    static Mqtt5AsyncClient client(final String clientId) {
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                .buildAsync();
    }

    static CompletableFuture<Mqtt5ConnAckReasonCode> connect(final Mqtt5AsyncClient client, final String username) {
        return client.connectWith().simpleAuth().username(username)
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                .thenApply(connAck -> connAck.getReasonCode())
                .exceptionally(e -> {
                    final Throwable cause = e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof Mqtt5ConnAckException refused) {
                        return refused.getMqttMessage().getReasonCode();
                    }
                    throw new IllegalStateException(cause);
                });
    }

    /** A connected client whose disconnection shows that the feed applied the change that disabled it. */
    static CompletableFuture<Void> canary(final int accountId) throws Exception {
        final CompletableFuture<Void> gone = new CompletableFuture<>();
        final Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("canary-" + accountId)
                .serverHost("127.0.0.1").serverPort(port)
                .addDisconnectedListener(context -> gone.complete(null)).buildAsync();
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect(client, email(accountId)).get(10, TimeUnit.SECONDS));
        return gone;
    }

    /** Holds a named lock on a connection of its own until closed: statements that take it wait meanwhile. */
    static final class NamedLock implements AutoCloseable {
        private final Connection connection;

        NamedLock(final String name) throws SQLException {
            connection = db.rootConnection();
            try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK(?, 10)")) {
                statement.setString(1, name);
                try (ResultSet rs = statement.executeQuery()) {
                    assertTrue(rs.next() && rs.getInt(1) == 1, "could not take " + name);
                }
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close(); // releases the lock
        }
    }

    /** Waits until a statement of the extension waits for a named lock. */
    static void awaitStatementWaitingForLock() throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Connection connection = db.rootConnection();
                 PreparedStatement statement = connection.prepareStatement(
                         "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'");
                 ResultSet rs = statement.executeQuery()) {
                if (rs.next() && rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no CONNECT came to wait for the lock");
    }

    static void inOneTransaction(final String... statements) throws SQLException {
        try (Connection connection = db.rootConnection()) {
            connection.setAutoCommit(false);
            for (final String sql : statements) {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.executeUpdate();
                }
            }
            connection.commit();
        }
    }

    @Test
    void anAccountDisabledWhileItsRowIsBeingReadIsRefusedAndStaysRefused() throws Exception {
        final int alice = account();
        final int canary = account();
        final CompletableFuture<Void> canaryGone = canary(canary);
        final CompletableFuture<Mqtt5ConnAckReasonCode> connack;
        try (NamedLock held = new NamedLock("hold-" + email(alice))) {
            connack = connect(client("race-a-" + alice), email(alice));
            awaitStatementWaitingForLock(); // it has read alice's row as enabled
            inOneTransaction("UPDATE accounts SET enabled = FALSE WHERE id = " + alice,
                    "UPDATE accounts SET enabled = FALSE WHERE id = " + canary);
            canaryGone.get(10, TimeUnit.SECONDS); // the feed applied both
        }
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, connack.get(10, TimeUnit.SECONDS));
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED,
                connect(client("race-a2-" + alice), email(alice)).get(10, TimeUnit.SECONDS),
                "the row read before the change must not stay cached");
    }

    @Test
    void aPairingRemovedWhileTheUsersPlanIsBeingReadIsNotGranted() throws Exception {
        final int user = account();
        final int camera = device();
        final int canary = account();
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?,?,'owner')", user, camera);
        final CompletableFuture<Void> canaryGone = canary(canary);
        final Mqtt5AsyncClient app = client("race-p-" + user);
        final CompletableFuture<Mqtt5ConnAckReasonCode> connack;
        try (NamedLock held = new NamedLock("pairings-" + user)) {
            connack = connect(app, email(user));
            awaitStatementWaitingForLock(); // it has read the pairing
            inOneTransaction("DELETE FROM pairings WHERE account_id = " + user,
                    "UPDATE accounts SET enabled = FALSE WHERE id = " + canary);
            canaryGone.get(10, TimeUnit.SECONDS);
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connack.get(10, TimeUnit.SECONDS));
        final Mqtt5BlockingClient blocking = app.toBlocking();
        assertThrows(Mqtt5SubAckException.class, () -> blocking.subscribeWith()
                .topicFilter("/orbweb/ipcam/+/RACEUID" + camera).qos(MqttQos.AT_LEAST_ONCE).send());
        assertThrows(Mqtt5PubAckException.class, () -> blocking.publishWith()
                .topic("/orbweb/ipcam/command/RACEUID" + camera).qos(MqttQos.AT_LEAST_ONCE)
                .payload("reboot".getBytes(StandardCharsets.UTF_8)).send()); // HiveMQ then disconnects it
    }
}
