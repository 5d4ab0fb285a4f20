package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.GeneralQueryLog;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.accountauth.extension.testsupport.StatementKind;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a CONNECT with empty caches costs the account DB, statement by statement, counted in MariaDB's general query
 * log; that a client id of another principal is refused all the same; and that 100 clients of one account still
 * load it once. Each test uses principals and client ids no other test touches, so every cache it meets is cold.
 * The subclasses run it with the shipped queries and with the one-parameter principal queries of older configs,
 * all without the preload of devices at start (which {@code PreloadedConnectQueriesIT} counts), so that the caches
 * are cold indeed.
 */
abstract class ColdConnectQueries {

    static final String PASSWORD = "pw";
    static final String CAM1 = "00:1B:FE:0D:44:21";
    static final String CAM2 = "00:1B:FE:0D:44:22";

    static BrokerWithDatabase env;
    static GeneralQueryLog log;
    static MqttClients mqtt;

    static void start(final UnaryOperator<String> configEdit) {
        env = BrokerWithDatabase.start(ColdConnectQueries::seed, config -> EmbeddedBroker.withoutPreload(configEdit.apply(config)));
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
                "(3, '00:1B:FE:0D:44:23', 'CAM3UID0000000000003', 'orbweb', 'ipcam', ?)", CAM1, hash, CAM2, hash, hash);
        db.execute("INSERT INTO accounts (id, email, password_hash) VALUES (1, 'alice@example.com', ?), " +
                "(2, 'bob@example.com', ?), (3, 'carol@example.com', ?), (4, 'dave@example.com', ?), " +
                "(5, 'erin@example.com', ?), (6, 'frank@example.com', ?)", hash, hash, hash, hash, hash, hash);
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner'), (2, 2, 'owner'), " +
                "(3, 3, 'viewer'), (6, 1, 'viewer')");
        // bound on earlier connects, as after a restart
        db.execute("INSERT INTO client_ids (client_id, device_id) VALUES ('cam-1', 1), ('cam-3', 3)");
        db.execute("INSERT INTO client_ids (client_id, account_id) VALUES ('alice-phone', 1), ('dave-phone', 4), " +
                "('dave-tablet', 4)");
    }

    /** What a cold device CONNECT with a bound client id runs. */
    abstract List<StatementKind> coldDevice();

    /** What a cold user CONNECT with a bound client id runs. */
    abstract List<StatementKind> coldUser();

    /** What a cold CONNECT of a principal refused for a client id of another runs. */
    abstract List<StatementKind> coldHijack(StatementKind principalQuery);

    /** What a cold user CONNECT with a client id never used before runs. */
    abstract List<StatementKind> coldUserWithNewClientId();

    /** How many client-id-owner statements 100 CONNECTs of one cold account with new client ids run. */
    abstract long crowdOwnerLookUps();

    /** Of the 100, how many read their client id's reservation on their own (the loading one may read it with the row). */
    long crowdReservationLookUps() {
        return 100;
    }

    @Test
    void coldDeviceConnect() {
        assertAsks(coldDevice(), () -> assertConnects("cam-1", CAM1));
        assertAsks(List.of(), () -> assertConnects("cam-1", CAM1));
    }

    @Test
    void coldUserConnect() {
        assertAsks(coldUser(), () -> assertConnects("alice-phone", "alice@example.com"));
        assertAsks(List.of(), () -> assertConnects("alice-phone", "alice@example.com"));
    }

    @Test
    void coldDeviceTakingAUsersClientIdIsRefused() {
        assertAsks(coldHijack(StatementKind.DEVICE_BY_MAC), () -> assertEquals(
                Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("dave-phone", CAM2)));
        assertEquals("account:4", owner("dave-phone"));
    }

    @Test
    void coldUserTakingADevicesClientIdIsRefused() {
        assertAsks(coldHijack(StatementKind.ACCOUNT_BY_EMAIL), () -> assertEquals(
                Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("cam-3", "bob@example.com")));
        assertEquals("device:3", owner("cam-3"));
    }

    @Test
    void coldUserTakingAnotherUsersClientIdIsRefused() {
        assertAsks(coldHijack(StatementKind.ACCOUNT_BY_EMAIL), () -> assertEquals(
                Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("dave-tablet", "erin@example.com")));
        assertEquals("account:4", owner("dave-tablet"));
    }

    @Test
    void aNewClientIdIsBoundToItsFirstUser() {
        assertAsks(coldUserWithNewClientId(), () -> assertConnects("carol-phone", "carol@example.com"));
        assertEquals("account:3", owner("carol-phone"));
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("carol-phone", "dave@example.com"));
    }

    @Test
    void aHundredClientsOfOneColdAccountLoadItOnce() {
        final List<Mqtt5AsyncClient> clients = new ArrayList<>();
        final Map<StatementKind, Long> asked = countsOf(statementsDuring(() -> {
            final List<CompletableFuture<Mqtt5ConnAck>> acks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                final Mqtt5AsyncClient client = mqtt.v5("frank-" + i).toAsync();
                clients.add(client);
                acks.add(client.connectWith().simpleAuth().username("frank@example.com")
                        .password(MqttClients.bytes(PASSWORD)).applySimpleAuth().send());
            }
            for (final CompletableFuture<Mqtt5ConnAck> ack : acks) {
                assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, ack.join().getReasonCode());
            }
        }));
        clients.forEach(client -> client.disconnect().join());
        assertEquals(Map.of(StatementKind.ACCOUNT_BY_EMAIL, 1L, StatementKind.PAIRED_DEVICES, 1L,
                StatementKind.BIND_CLIENT_ID, 100L, StatementKind.CLIENT_ID_OWNER, crowdOwnerLookUps(),
                StatementKind.DEVICE_RESERVING_CLIENT_ID, crowdReservationLookUps()), asked);
    }

    private static Mqtt5ConnAckReasonCode connect(final String clientId, final String username) {
        final Mqtt5BlockingClient client = mqtt.v5(clientId);
        final Mqtt5ConnAckReasonCode code = mqtt.connect5(client, username, MqttClients.bytes(PASSWORD));
        if (client.getState().isConnected()) {
            client.disconnect();
        }
        return code;
    }

    private static void assertConnects(final String clientId, final String username) {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect(clientId, username));
    }

    /** Asserts what the extension asks the DB while {@code connect} runs, in order. */
    private static void assertAsks(final List<StatementKind> expected, final Runnable connect) {
        final List<String> statements = statementsDuring(connect);
        assertEquals(expected, statements.stream().map(StatementKind::of).toList(), String.join("\n", statements));
    }

    /**
     * What the extension asks the DB while {@code connect} runs (it returns after the CONNACKs, which come after
     * every statement of the checks). Change-feed polls and the driver's set-up of a new pool connection are left
     * out; anything else counts.
     */
    private static List<String> statementsDuring(final Runnable connect) {
        log.clear();
        connect.run();
        return log.extensionStatementsOf(env.db().appUser());
    }

    private static Map<StatementKind, Long> countsOf(final List<String> statements) {
        return statements.stream().collect(Collectors.groupingBy(StatementKind::of, Collectors.counting()));
    }

    /** Who owns the client id in the DB, as {@code account:<id>} or {@code device:<id>}. */
    private static String owner(final String clientId) {
        try (Connection connection = env.db().rootConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT CASE WHEN account_id IS NULL " +
                     "THEN CONCAT('device:', device_id) ELSE CONCAT('account:', account_id) END " +
                     "FROM client_ids WHERE client_id = ?")) {
            statement.setString(1, clientId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : "unbound";
            }
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
