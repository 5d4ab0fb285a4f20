package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.HashVectors;
import com.accountauth.extension.testsupport.HashVectors.Vector;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.util.AuditLog;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stored hashes in the formats operators bring, with the real broker, MariaDB and real clients: a mosquitto
 * {@code $7$} row (made by mosquitto_passwd, logged in with mosquitto_pub), an Argon2id row (PHP), a fast-scheme
 * device, a fast-scheme user row refused, and upgrade on login rewriting a row once while its client stays.
 * Upgrade on login is on, with the devices' target the fast scheme.
 */
class PasswordFormatsIT {

    static final Vector MOSQUITTO = HashVectors.first("mosquitto_passwd-sha512-pbkdf2");
    static final Vector ARGON2ID = HashVectors.first("php-password_hash-argon2id");
    static final Vector FAST = HashVectors.first("hashlib-fast-sha256");
    static final List<Vector> PBKDF2 = HashVectors.all().stream()
            .filter(v -> v.source().equals("mosquitto_passwd-sha512-pbkdf2")).toList();

    static BrokerWithDatabase env;
    static MqttClients mqtt;
    static LogCapture log;
    // every CONNECT decision, with its reason
    static LogCapture audit;

    @BeforeAll
    static void start() {
        log = new LogCapture();
        audit = new LogCapture(AuditLog.LOGGER_NAME);
        env = BrokerWithDatabase.start(PasswordFormatsIT::seed, config -> edited(config
                .replace("<upgrade-on-login>false</upgrade-on-login>", "<upgrade-on-login>true</upgrade-on-login>")
                // only the devices' section has fast among its formats
                .replace("<formats>bcrypt pbkdf2 argon2id fast</formats>\n            <target>bcrypt</target>",
                        "<formats>bcrypt pbkdf2 argon2id fast</formats>\n            <target>fast</target>")
                .replace("<poll-interval-millis>2000</poll-interval-millis>",
                        "<poll-interval-millis>200</poll-interval-millis>")));
        mqtt = new MqttClients(env.broker().port());
    }

    /** The edits took: else the test would pass or fail for the wrong reason. */
    private static String edited(final String config) {
        for (final String expected : List.of("<upgrade-on-login>true", "<target>fast</target>",
                "<poll-interval-millis>200<")) {
            if (!config.contains(expected)) {
                throw new AssertionError("config.xml edit missing: " + expected);
            }
        }
        return config;
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
        if (audit != null) {
            audit.close();
        }
        if (log != null) {
            log.close();
        }
    }

    static void seed(final MariaDbServer db) {
        device(db, 1, MOSQUITTO.hash());
        device(db, 2, ARGON2ID.hash());
        device(db, 3, FAST.hash());
        device(db, 4, PBKDF2.get(1).hash());
        device(db, 5, PBKDF2.get(2).hash());
        db.execute("INSERT INTO accounts (id, email, password_hash) VALUES (10, 'fast@example.com', ?)", FAST.hash());
    }

    private static void device(final MariaDbServer db, final int id, final String hash) {
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?, ?, ?, 'orbweb', " +
                "'ipcam', ?)", id, mac(id), "CAM" + id, hash);
    }

    private static String mac(final int id) {
        return String.format("00:1B:FE:0D:44:%02X", id);
    }

    private static String storedHash(final int deviceId) {
        try (Connection connection = env.db().rootConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT password_hash FROM accounts.devices WHERE id = ?")) {
            statement.setInt(1, deviceId);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + "; log:\n" +
                        String.join("\n", log.lines()));
            }
            Thread.sleep(50);
        }
    }

    @Test
    void mosquittoPubLogsInWithAMosquittoPasswdRow() throws IOException, InterruptedException {
        final Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p",
                String.valueOf(env.broker().port()), "-V", "mqttv5", "-i", MqttClients.newId(), "-u", mac(1),
                "-P", MOSQUITTO.password(), "-q", "1", "-t", "/orbweb/ipcam/motion/CAM1", "-m", "hi")
                .redirectErrorStream(true).start();
        assertTrue(pub.waitFor(20, TimeUnit.SECONDS), "mosquitto_pub did not finish");
        final String output = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, pub.exitValue(), output);
    }

    @Test
    void anArgon2idRowAndAFastSchemeDeviceLogIn() {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(mac(2), ARGON2ID.password()));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(mac(3), FAST.password()));
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(mac(3), FAST.password() + "!"));
    }

    @Test
    void aUserRowOnTheFastSchemeIsRefusedWithTheReasonLogged() throws InterruptedException {
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5("fast@example.com", FAST.password()));
        await("the refusal's reason", () -> audit.contains("'fast@example.com' (id 10): the stored hash is fast, " +
                "which a user may not use"));
        assertTrue(log.lines().stream().noneMatch(line -> line.contains(FAST.password())), "no password in the log");
    }

    @Test
    void aWeakRowIsRewrittenOnceAfterLoginAndItsClientStaysConnected() throws InterruptedException {
        final Vector weak = PBKDF2.get(1);
        final String old = storedHash(4);
        // a failed check upgrades nothing: it runs first, and upgrades run in order on one thread
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, mqtt.connect5(mac(5), "wrong"));
        final Mqtt5BlockingClient camera = mqtt.connected5(MqttClients.newId(), mac(4), weak.password());
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = camera.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED)) {
            camera.subscribeWith().topicFilter("/orbweb/ipcam/state/CAM4").qos(MqttQos.AT_LEAST_ONCE).send();
            await("the row's rewrite", () -> !storedHash(4).equals(old));
            final String upgraded = storedHash(4);
            assertTrue(upgraded.startsWith("$sha256$"), upgraded);
            assertEquals(PBKDF2.get(2).hash(), storedHash(5), "the failed check's row is as it was");
            // the UPDATE went through the change feed to this client's grant, which was kept
            await("the live change of the rewrite", () -> log.contains("access of device '" + mac(4) +
                    "' (id 4) updated for 1 connected client(s)"));
            assertTrue(camera.getState().isConnected());
            camera.publishWith().topic("/orbweb/ipcam/state/CAM4").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("still here".getBytes(StandardCharsets.UTF_8)).send();
            final Optional<Mqtt5Publish> echo = publishes.receive(10, TimeUnit.SECONDS);
            assertTrue(echo.isPresent(), "the client still publishes and receives");

            // a second login verifies against the new hash, which is at the target: no second rewrite
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5(mac(4), weak.password()));
            assertEquals(upgraded, storedHash(4));
            assertEquals(1, log.lines().stream().filter(line -> line.contains("password hash of device '" +
                    mac(4) + "' (id 4) upgraded from pbkdf2 ($7$) 101 iterations to fast sha256")).count(),
                    String.join("\n", log.lines()));
            assertTrue(log.lines().stream().noneMatch(line -> line.contains("changed its password")));
        } finally {
            camera.disconnect();
        }
    }
}
