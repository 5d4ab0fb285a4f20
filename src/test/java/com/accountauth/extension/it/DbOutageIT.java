package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.LogLines;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 7 and "a failing feed is loud": the DB is stopped long enough for HikariCP's back-off to reach its
 * 5 s ceiling and for the ERROR to be logged, then started again; a change made right then reaches a connected
 * client, and a CONNECT that needs the DB succeeds, within about two poll intervals. Real broker, real MariaDB, real
 * clients; the shipped config but for a shorter error-after-seconds.
 */
class DbOutageIT {

    static final long POLL_INTERVAL_MILLIS = 2_000;
    /** Three poll intervals and a margin, counted from the DB accepting connections again. */
    static final long BOUND_MILLIS = 3 * POLL_INTERVAL_MILLIS + 2_000;
    static final int ERROR_AFTER_SECONDS = 4;
    static final String PASSWORD = "outage-pass-1";

    static BrokerWithDatabase env;
    static MariaDbServer db;
    static int port;
    static LogLines logs;

    @BeforeAll
    static void start() {
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        env = BrokerWithDatabase.start(server -> {
            server.execute("INSERT INTO accounts (id, email, password_hash) VALUES (1, 'erin@outage.example', ?)",
                    hash);
            server.execute("INSERT INTO accounts (id, email, password_hash) VALUES (2, 'frank@outage.example', ?)",
                    hash);
        }, config -> config.replace("<error-after-seconds>30</error-after-seconds>",
                "<error-after-seconds>" + ERROR_AFTER_SECONDS + "</error-after-seconds>"));
        db = env.db();
        port = env.broker().port();
        logs = LogLines.ofExtension();
    }

    @AfterAll
    static void stop() {
        if (logs != null) {
            logs.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void afterAnOutageAChangeAndAColdConnectWorkWithinAboutTwoPollIntervalsAndTheOutageWasAnError()
            throws Exception {
        final LiveClient erinsApp = LiveClient.connected(port, "erin@outage.example", PASSWORD);
        Thread.sleep(POLL_INTERVAL_MILLIS); // the feed has polled with the DB up

        db.stopServer();
        final long stopped = System.nanoTime();
        final long errorMillis = LiveClient.millisUntil("the ERROR about the feed", 30_000,
                () -> !logs.matching("ERROR", "no poll of the change feed succeeded").isEmpty());
        System.out.printf("[db-outage] ERROR logged %d ms after the DB stopped (error-after-seconds %d)%n",
                errorMillis, ERROR_AFTER_SECONDS);
        final RegisteredMetrics metrics = new RegisteredMetrics(env.broker().metricRegistry());
        assertEquals(1, metrics.gauge("outage.active").intValue());
        assertTrue(metrics.count("db.changes-since.errors") >= 1);
        // no poll read the feed since before the DB stopped
        assertTrue(metrics.gauge("feed.lag").doubleValue() >= ERROR_AFTER_SECONDS - 1, "lag " +
                metrics.gauge("feed.lag"));
        // HikariCP's back-off between attempts doubles from 10 ms to its 5 s ceiling within about 10 s
        Thread.sleep(Math.max(0, 15_000 - (System.nanoTime() - stopped) / 1_000_000));
        assertFalse(erinsApp.disconnected.isDone(), "an outage alone must not disconnect anyone");

        db.startServerAgain(); // returns once the DB accepts connections
        final long back = System.nanoTime();
        System.out.printf("[db-outage] the DB was down for %d ms%n", (back - stopped) / 1_000_000);
        final CompletableFuture<Long> coldConnect = CompletableFuture.supplyAsync(() -> LiveClient.millisUntil(
                "a cold CONNECT after the outage", BOUND_MILLIS, () -> new MqttClients(port)
                        .connect5("frank@outage.example", PASSWORD) == Mqtt5ConnAckReasonCode.SUCCESS));
        db.execute("UPDATE accounts SET enabled = FALSE WHERE id = 1");
        LiveClient.millisUntil("disabling erin after the outage", BOUND_MILLIS, erinsApp.disconnected::isDone);
        final long changeMillis = (System.nanoTime() - back) / 1_000_000;
        final long connectMillis = coldConnect.get(BOUND_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        System.out.printf("[db-outage] after the DB accepted connections again: a change reached a connected " +
                "client after %d ms, a cold CONNECT first succeeded after %d ms (bound %d ms, poll interval %d ms)%n",
                changeMillis, connectMillis, BOUND_MILLIS, POLL_INTERVAL_MILLIS);
        assertTrue(changeMillis <= BOUND_MILLIS, changeMillis + " ms");
        // the resync logs once it has applied everything, which may be just after erin's disconnect
        LiveClient.millisUntil("the resync logged after the outage", BOUND_MILLIS,
                () -> !logs.matching("WARN", "could not be read for").isEmpty());
        assertEquals(0, metrics.gauge("outage.active").intValue());
        assertTrue(metrics.count("feed.resyncs") >= 1);
        // the resync that disconnected erin runs inside the poll that then reads the feed to its end
        LiveClient.millisUntil("the feed's lag back below a poll interval", BOUND_MILLIS,
                () -> metrics.gauge("feed.lag").doubleValue() < POLL_INTERVAL_MILLIS / 1000.0);
    }
}
