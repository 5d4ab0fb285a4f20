package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail from the real broker: one line per CONNECT decision and per live change applied to a connected
 * client, on the logger {@code account-auth.audit}, with the listener and source address, and no password.
 */
class AuditLogIT {

    private static final String PASSWORD = "alice-pass";

    private static BrokerWithDatabase env;
    private static MqttClients mqtt;

    @BeforeAll
    static void start() {
        env = BrokerWithDatabase.start(AuditLogIT::seed, xml -> xml.replace(
                "<poll-interval-millis>2000<", "<poll-interval-millis>200<"));
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
                "(1, '00:1B:FE:0D:44:21', 'CAMUID1', 'orbweb', 'ipcam', NULL, TRUE)");
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES " +
                "(1, 'alice@example.com', ?, 'user', TRUE)", BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4)));
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner')");
    }

    @Test
    void connectDecisionsAndLiveChangesAreAudited() throws Exception {
        try (LogCapture audit = new LogCapture("account-auth.audit")) {
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    mqtt.connect5("alice@example.com", "wrong-pass"));
            final Mqtt5BlockingClient alice = mqtt.connected5("alice-phone", "alice@example.com", PASSWORD);
            env.db().execute("UPDATE pairings SET role = 'viewer' WHERE account_id = 1");
            awaitLine(audit, line -> line.startsWith("INFO CHANGE applied principal=user 'alice@example.com'"));
            env.db().execute("UPDATE accounts SET enabled = FALSE WHERE id = 1");
            awaitLine(audit, line -> line.startsWith("INFO CHANGE disconnect client='alice-phone'"));

            final List<String> lines = audit.lines();
            assertTrue(lines.get(0).matches("INFO CONNECT refused client='it-[0-9a-f]+' source=127\\.0\\.0\\.1 " +
                    "listener='[^']+' method=password code=BAD_USER_NAME_OR_PASSWORD why=user " +
                    "'alice@example\\.com' \\(id 1\\): " +
                    "wrong password"), lines.get(0));
            assertTrue(lines.get(1).matches("INFO CONNECT allowed client='alice-phone' principal=user " +
                    "'alice@example\\.com' \\(id 1\\) source=127\\.0\\.0\\.1 listener='[^']+' method=password " +
                    "publish-permissions=1 " +
                    "subscribe-permissions=1"), lines.get(1));
            assertTrue(lines.contains("INFO CHANGE applied principal=user 'alice@example.com' (id 1) " +
                    "clients=['alice-phone'] now publish-permissions=0 subscribe-permissions=1"), lines.toString());
            assertTrue(lines.contains("INFO CHANGE disconnect client='alice-phone' principal=user " +
                    "'alice@example.com' (id 1) code=NOT_AUTHORIZED why=user 'alice@example.com' (id 1) was disabled"),
                    lines.toString());
            assertTrue(lines.stream().noneMatch(line -> line.contains(PASSWORD) || line.contains("wrong-pass")));
        }
    }

    private static void awaitLine(final LogCapture audit, final Predicate<String> wanted) throws InterruptedException {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (audit.lines().stream().noneMatch(wanted)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such audit line in " + audit.lines());
            }
            Thread.sleep(50);
        }
    }
}
