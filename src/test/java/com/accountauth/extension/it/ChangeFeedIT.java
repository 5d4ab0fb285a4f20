package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.LogLines;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, items 1 and 6: the change feed loses no change, whatever the commit order, and survives a TRUNCATE of
 * its table. Real broker (built ZIP) with the shipped config, real MariaDB with the shipped schema and triggers,
 * real clients.
 */
class ChangeFeedIT {

    /** The shipped poll interval is 2 s; a change takes effect within about that. */
    static final long BOUND_MILLIS = 6_000;
    static final String PASSWORD = "feed-pass-1";
    static final AtomicInteger IDS = new AtomicInteger(100);

    static BrokerWithDatabase env;
    static MariaDbServer db;
    static int port;
    static LogLines logs;
    static String passwordHash;

    @BeforeAll
    static void start() {
        passwordHash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        env = BrokerWithDatabase.start(server -> { }, config -> config);
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
    void aChangeThatCommitsAfterALaterOneStillTakesEffect() throws Exception {
        final int bob = user();
        final LiveClient bobsApp = LiveClient.connected(port, email(bob), PASSWORD);
        final int carol = user();
        final int cam = device();
        final LiveClient carolsApp = LiveClient.connected(port, email(carol), PASSWORD);
        assertTrue(carolsApp.subscribeRefused(events(cam)));
        try (Connection admin = db.rootConnection()) {
            admin.setAutoCommit(false);
            try (PreparedStatement disable = admin.prepareStatement(
                    "UPDATE accounts SET enabled = FALSE WHERE id = ?")) {
                disable.setInt(1, bob);
                disable.executeUpdate(); // its change row takes a seq now, visible only at COMMIT
            }
            // meanwhile a later change commits, and the feed reads past the open one's seq
            db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?, ?, 'viewer')", carol, cam);
            LiveClient.millisUntil("the later change", BOUND_MILLIS, () -> !carolsApp.subscribeRefused(events(cam)));
            try (Statement statement = admin.createStatement()) {
                statement.execute("SELECT SLEEP(3)"); // the feed polls on past it
            }
            admin.commit();
        }
        final long millis = LiveClient.millisUntil("disabling bob, committed late", BOUND_MILLIS,
                bobsApp.disconnected::isDone);
        System.out.printf("[change-feed] a change committed after a later one took effect %d ms after its " +
                "COMMIT (bound %d ms)%n", millis, BOUND_MILLIS);
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, new LiveClient(port).connect(email(bob), PASSWORD));
        carolsApp.close();
    }

    @Test
    void afterATruncateOfTheFeedALaterChangeTakesEffectAndTheLogSaysResync() throws Exception {
        final int dave = user();
        final int cam = device();
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?, ?, 'owner')", dave, cam);
        final LiveClient davesApp = LiveClient.connected(port, email(dave), PASSWORD);
        assertFalse(davesApp.subscribeRefused(events(cam)));
        Thread.sleep(2_500); // the feed has read the rows above
        db.execute("TRUNCATE TABLE account_changes"); // AUTO_INCREMENT starts again at 1
        db.execute("DELETE FROM pairings WHERE account_id = ? AND device_id = ?", dave, cam);
        final long millis = LiveClient.millisUntil("unpairing after a TRUNCATE", BOUND_MILLIS,
                () -> davesApp.subscribeRefused(events(cam)));
        System.out.printf("[change-feed] unpairing after TRUNCATE account_changes took effect after %d ms%n",
                millis);
        assertFalse(logs.matching("WARN", "resync").isEmpty(), "no resync logged");
        assertTrue(logs.matching("WARN", "resync").get(0).contains("went backwards"),
                logs.matching("WARN", "resync").get(0));
        davesApp.close();
    }

    // ---- fixture rows ----

    static int user() {
        final int id = IDS.incrementAndGet();
        db.execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (?, ?, ?, 'user')", id, email(id),
                passwordHash);
        return id;
    }

    static int device() {
        final int id = IDS.incrementAndGet();
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?, ?, ?, ?, ?, ?)", id,
                String.format("02:00:00:01:%02X:%02X", id / 256, id % 256), uid(id), "orbweb", "ipcam",
                passwordHash);
        return id;
    }

    static String email(final int id) {
        return "user" + id + "@feed.example";
    }

    static String uid(final int id) {
        return "FEEDUID" + id;
    }

    static String events(final int device) {
        return "/orbweb/ipcam/motiondetector/" + uid(device);
    }
}
