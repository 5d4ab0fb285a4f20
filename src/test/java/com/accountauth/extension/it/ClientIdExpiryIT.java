package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.LogLines;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, binding expiry: with bindings expiring after a few seconds unused, one used once and left is deleted by the
 * cleanup and another principal can bind its id (its first owner, cached, is refused then); one held by a connected
 * client and one reconnected with now and then survive, and stay their owners'. Real broker, MariaDB, real clients;
 * the shipped config with short times.
 */
class ClientIdExpiryIT {

    static final String PASSWORD = "expiry-pass-1";
    static final int EXPIRE_SECONDS = 6;
    static final int INTERVAL_SECONDS = 1;

    static BrokerWithDatabase env;
    static MqttClients mqtt;
    static LogLines logs;

    @BeforeAll
    static void start() {
        logs = LogLines.ofExtension();
        env = BrokerWithDatabase.start(ClientIdExpiryIT::seed, config -> config
                .replace("<principal-ttl-seconds>3600</principal-ttl-seconds>",
                        "<principal-ttl-seconds>2</principal-ttl-seconds>")
                .replace("<expire-unused-after-seconds>7776000</expire-unused-after-seconds>",
                        "<expire-unused-after-seconds>" + EXPIRE_SECONDS + "</expire-unused-after-seconds>")
                .replace("<last-used-interval-seconds>3600</last-used-interval-seconds>",
                        "<last-used-interval-seconds>" + INTERVAL_SECONDS + "</last-used-interval-seconds>"));
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
    }

    static void seed(final MariaDbServer db) {
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        for (final String name : new String[]{"alice", "bob", "carol", "mallory"}) {
            db.execute("INSERT INTO accounts (email, password_hash) VALUES (?, ?)", name + "@expiry.example", hash);
        }
    }

    private static Mqtt5ConnAckReasonCode connect(final String clientId, final String name) {
        final Mqtt5BlockingClient client = mqtt.v5(clientId);
        final Mqtt5ConnAckReasonCode code = mqtt.connect5(client, name + "@expiry.example",
                MqttClients.bytes(PASSWORD));
        if (code == Mqtt5ConnAckReasonCode.SUCCESS) {
            client.disconnect();
        }
        return code;
    }

    private static Set<String> boundIds() {
        try (Connection connection = env.db().rootConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT client_id FROM client_ids")) {
            final Set<String> ids = new HashSet<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUnusedBindingExpiresAndCanBeBoundAgainWhileUsedOnesSurvive() {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("left-id", "alice"));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("reused-id", "carol"));
        final Mqtt5BlockingClient bob = mqtt.connected5("held-id", "bob@expiry.example", PASSWORD);
        try {
            assertEquals(Set.of("left-id", "reused-id", "held-id"), boundIds());
            final long start = System.nanoTime();
            // carol reconnects every second meanwhile: each use is marked within an interval
            final long expiredAfter = LiveClient.millisUntil("the unused binding's deletion",
                    (EXPIRE_SECONDS + 10) * 1000L, () -> {
                        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("reused-id", "carol"));
                        sleep(1000);
                        return !boundIds().contains("left-id");
                    });
            System.out.printf("[client-id-expiry] the unused binding was deleted %d ms after its last use " +
                    "(expire-unused-after-seconds %d, interval %d)%n", expiredAfter, EXPIRE_SECONDS,
                    INTERVAL_SECONDS);
            assertTrue((System.nanoTime() - start) / 1_000_000 >= (EXPIRE_SECONDS - 1) * 1000L,
                    "deleted before it was unused for " + EXPIRE_SECONDS + " s");
            // two more intervals: a used binding is never caught between its mark and the cleanup
            sleep(2500);
            assertEquals(Set.of("reused-id", "held-id"), boundIds());
            assertFalse(logs.matching("INFO", "client-id binding unused for " + EXPIRE_SECONDS + " s deleted")
                    .isEmpty());

            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("left-id", "mallory"),
                    "an expired id is free for anyone");
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("left-id", "alice"),
                    "its first owner's cached binding went with the row");
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("held-id", "mallory"));
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("reused-id", "mallory"));
            assertTrue(bob.getState().isConnected(), "the connected client kept its connection");
        } finally {
            bob.disconnect();
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("held-id", "bob"), "and its id");
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
