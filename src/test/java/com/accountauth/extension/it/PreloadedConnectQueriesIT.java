package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.GeneralQueryLog;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.accountauth.extension.testsupport.StatementKind;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mindrot.jbcrypt.BCrypt;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the shipped config.xml the devices are read into the cache at start ({@code <cache><preload-devices>}), with
 * their bound client ids: the reconnect after a restart costs a device no statement, yet its password is checked as
 * ever, a client id of another principal is still refused, and a change after the preload takes effect as for any
 * cached device. (ColdConnectQueriesIT counts the same CONNECTs without the preload.)
 */
// the change last: a device's change forgets every "no device has this id" (its MAC or uid may have changed), so the
// reconnects after it ask for their reservations again
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreloadedConnectQueriesIT {

    private static final String PASSWORD = "pw";
    private static final String CAM1 = "00:1B:FE:0D:44:21";
    private static final String CAM2 = "00:1B:FE:0D:44:22";
    private static final String CAM3 = "00:1B:FE:0D:44:23";

    private static BrokerWithDatabase env;
    private static GeneralQueryLog log;
    private static MqttClients mqtt;

    @BeforeAll
    static void start() throws Exception {
        try (LogCapture extensionLog = new LogCapture()) {
            env = BrokerWithDatabase.start(PreloadedConnectQueriesIT::seed, config -> config);
            final long deadline = System.currentTimeMillis() + 30_000;
            while (!extensionLog.contains("preloaded") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            // three devices read, and the two bound client ids that are no device's own id known to be no one's
            assertTrue(extensionLog.contains("preloaded 3 of 3 device row(s) read and 2 bound client id(s)"),
                    String.join("\n", extensionLog.lines()));
            assertTrue(extensionLog.contains("2 of those client ids known to be no device's MAC or uid"),
                    String.join("\n", extensionLog.lines()));
        }
        log = GeneralQueryLog.start(env.db());
        mqtt = new MqttClients(env.broker().port());
    }

    @AfterAll
    static void stop() {
        if (log != null) {
            log.close();
        }
        if (env != null) {
            env.close();
        }
    }

    static void seed(final MariaDbServer db) {
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES " +
                "(1, ?, 'CAM1UID0000000000001', 'orbweb', 'ipcam', ?), " +
                "(2, ?, 'CAM2UID0000000000002', 'orbweb', 'ipcam', ?), " +
                "(3, ?, 'CAM3UID0000000000003', 'orbweb', 'ipcam', ?)", CAM1, hash, CAM2, hash, CAM3, hash);
        db.execute("INSERT INTO accounts (id, email, password_hash) VALUES (1, 'alice@example.com', ?)", hash);
        // bound on earlier connects, as after a restart: two ids of their own making, one the device's uid
        db.execute("INSERT INTO client_ids (client_id, device_id) VALUES ('cam-1', 1), ('cam-2', 2), " +
                "('CAM3UID0000000000003', 3)");
        db.execute("INSERT INTO client_ids (client_id, account_id) VALUES ('alice-phone', 1)");
    }

    @Test
    @Order(1)
    void aPreloadedDeviceReconnectsWithoutAStatement() {
        assertEquals(List.of(), statementsDuring(() -> assertEquals(Mqtt5ConnAckReasonCode.SUCCESS,
                connect("cam-1", CAM1, PASSWORD))));
        assertEquals(List.of(), statementsDuring(() -> assertEquals(Mqtt5ConnAckReasonCode.SUCCESS,
                connect("CAM3UID0000000000003", CAM3, PASSWORD))));
    }

    @Test
    @Order(2)
    void aPreloadedDeviceStillNeedsItsPassword() {
        assertEquals(List.of(), statementsDuring(() -> assertEquals(
                Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, connect("cam-1", CAM1, "not-" + PASSWORD))));
    }

    @Test
    @Order(3)
    void aPreloadedDeviceTakingAUsersClientIdIsRefused() {
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("alice-phone", CAM1, PASSWORD));
    }

    @Test
    @Order(4)
    void aPasswordChangedAfterThePreloadTakesEffect() throws Exception {
        final String newPassword = "new-pw";
        env.db().execute("UPDATE devices SET password_hash = ? WHERE id = 2",
                BCrypt.hashpw(newPassword, BCrypt.gensalt(4)));
        final long deadline = System.currentTimeMillis() + 15_000;
        while (connect("cam-2", CAM2, newPassword) != Mqtt5ConnAckReasonCode.SUCCESS) {
            assertTrue(System.currentTimeMillis() < deadline, "the new password never took effect");
            Thread.sleep(200);
        }
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, connect("cam-2", CAM2, PASSWORD));
    }

    private static Mqtt5ConnAckReasonCode connect(final String clientId, final String username,
                                                  final String password) {
        final Mqtt5BlockingClient client = mqtt.v5(clientId);
        final Mqtt5ConnAckReasonCode code = mqtt.connect5(client, username, MqttClients.bytes(password));
        if (client.getState().isConnected()) {
            client.disconnect();
        }
        return code;
    }

    /** The extension's statements while {@code connect} runs (see {@link GeneralQueryLog#extensionStatementsOf}). */
    private static List<StatementKind> statementsDuring(final Runnable connect) {
        log.clear();
        connect.run();
        return log.extensionStatementsOf(env.db().appUser()).stream().map(StatementKind::of).toList();
    }
}
