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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, the DB outage policy: while the DB is down, a known client reconnects from the cache within
 * {@code <outage-grace-seconds>} and is refused with 0x88 past it; a connected client stays connected; the log says
 * once when the outage began and once when it ended, and after it the known client is admitted again. Real broker,
 * real MariaDB (stopped and started), real clients; the shipped config but for a short grace.
 */
class DbOutageGraceIT {

    static final int GRACE_SECONDS = 8;
    static final String PASSWORD = "grace-pass-1";

    static BrokerWithDatabase env;
    static MariaDbServer db;
    static MqttClients mqtt;
    static LogLines logs;
    static LogLines audit;

    @BeforeAll
    static void start() {
        logs = LogLines.ofExtension();
        audit = LogLines.ofAudit();
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        env = BrokerWithDatabase.start(server -> {
            for (final String name : new String[]{"gina", "hank", "ivan"}) {
                server.execute("INSERT INTO accounts (email, password_hash) VALUES (?, ?)", name + "@grace.example",
                        hash);
            }
        }, config -> config.replace("<outage-grace-seconds>300</outage-grace-seconds>",
                "<outage-grace-seconds>" + GRACE_SECONDS + "</outage-grace-seconds>"));
        db = env.db();
        mqtt = new MqttClients(env.broker().port());
    }

    @AfterAll
    static void stop() {
        if (logs != null) {
            logs.close();
        }
        if (audit != null) {
            audit.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void aCachedReconnectIsAdmittedWithinTheGraceAndRefusedWith0x88PastIt() {
        final LiveClient connected = LiveClient.connected(env.broker().port(), "hank@grace.example", PASSWORD);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, gina(), "cold");
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, gina(), "cached");

        db.stopServer();
        LiveClient.millisUntil("the outage's first log line", 20_000,
                () -> !logs.matching("WARN", "DB outage begins").isEmpty());
        final long began = System.nanoTime();
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, gina(),
                "a known client within the grace");
        assertTrue(elapsedMillis(began) < GRACE_SECONDS * 1000L, "too slow to test within the grace");
        assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5("ivan@grace.example", PASSWORD),
                "an unknown client needs the DB");

        sleepMillis(GRACE_SECONDS * 1000L + 1000 - elapsedMillis(began));
        assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, gina(),
                "a known client past the grace");
        assertFalse(audit.matching("INFO", "past <outage-grace-seconds>").isEmpty(), "the audit line says why");
        assertFalse(connected.disconnected.isDone(), "an outage disconnects nobody");

        db.startServerAgain();
        final long back = LiveClient.millisUntil("the outage's last log line", 20_000,
                () -> !logs.matching("WARN", "DB outage ends").isEmpty());
        System.out.printf("[db-outage-grace] the end of the outage was logged %d ms after the DB was back%n", back);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, gina(), "after it");
        assertEquals(1, logs.matching("WARN", "DB outage begins").size(), logs.matching("WARN", "DB outage")
                .toString());
        assertEquals(1, logs.matching("WARN", "DB outage ends").size());
        connected.close();
    }

    /** gina with the same client id every time: a new one would need the DB (its owner, its reservation). */
    private static Mqtt5ConnAckReasonCode gina() {
        final Mqtt5BlockingClient client = mqtt.v5("gina-phone");
        final Mqtt5ConnAckReasonCode code = mqtt.connect5(client, "gina@grace.example", MqttClients.bytes(PASSWORD));
        if (code == Mqtt5ConnAckReasonCode.SUCCESS) {
            client.disconnect();
        }
        return code;
    }

    private static long elapsedMillis(final long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void sleepMillis(final long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
