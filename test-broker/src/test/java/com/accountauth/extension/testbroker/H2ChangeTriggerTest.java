package com.accountauth.extension.testbroker;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** schema.sql's triggers, as the test broker's H2 DB runs them: each change lands in the feed as MariaDB puts it. */
class H2ChangeTriggerTest {

    static Path folder;
    static Connection connection;

    @BeforeAll
    static void createDb() throws Exception {
        folder = Files.createTempDirectory("h2-triggers");
        DemoDatabase.prepareH2(folder, Path.of("conf/schema.sql"));
        connection = DriverManager.getConnection(DemoDatabase.h2Url(folder), DemoDatabase.H2_USER,
                DemoDatabase.H2_PASSWORD);
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO accounts (id, email, role) VALUES (9001, 'a@h2.test', 'user'), " +
                    "(9002, 'b@h2.test', 'user')");
            statement.execute("INSERT INTO devices (id, mac, uid, vendor, model) VALUES " +
                    "(9101, '02:00:00:00:91:01', 'H2UID1', 'orbweb', 'ipcam'), " +
                    "(9102, '02:00:00:00:91:02', 'H2UID2', 'orbweb', 'ipcam')");
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
    }

    /** The feed rows (account_id, device_id) that the statement adds. */
    static List<String> changesOf(final String sql) throws SQLException {
        final long before = latest();
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
        final List<String> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT account_id, device_id FROM account_changes WHERE seq > ? ORDER BY account_id, device_id")) {
            query.setLong(1, before);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getObject(1) + "/" + rs.getObject(2));
                }
            }
        }
        return rows;
    }

    static long latest() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM account_changes")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void movingAPairingToAnotherAccountRecordsBothAccounts() throws Exception {
        changesOf("INSERT INTO pairings (account_id, device_id, role) VALUES (9001, 9101, 'owner')");
        assertEquals(List.of("9001/9101", "9002/9101"),
                changesOf("UPDATE pairings SET account_id = 9002 WHERE account_id = 9001 AND device_id = 9101"));
        changesOf("DELETE FROM pairings WHERE device_id = 9101");
    }

    @Test
    void movingAPairingToAnotherDeviceRecordsBothDevices() throws Exception {
        changesOf("INSERT INTO pairings (account_id, device_id, role) VALUES (9001, 9102, 'owner')");
        assertEquals(List.of("9001/9101", "9001/9102"),
                changesOf("UPDATE pairings SET device_id = 9101 WHERE account_id = 9001 AND device_id = 9102"));
        changesOf("DELETE FROM pairings WHERE account_id = 9001");
    }

    @Test
    void anUpdateThatMovesNothingIsRecordedOnce() throws Exception {
        changesOf("INSERT INTO pairings (account_id, device_id, role) VALUES (9002, 9102, 'owner')");
        assertEquals(List.of("9002/9102"),
                changesOf("UPDATE pairings SET role = 'viewer' WHERE account_id = 9002 AND device_id = 9102"));
        assertEquals(List.of("9002/null"), changesOf("UPDATE accounts SET enabled = FALSE WHERE id = 9002"));
        changesOf("DELETE FROM pairings WHERE account_id = 9002");
    }

    @Test
    void anAccountOrDeviceGivenAnotherIdRecordsBothIds() throws Exception {
        changesOf("INSERT INTO accounts (id, email, role) VALUES (9003, 'c@h2.test', 'user')");
        assertEquals(List.of("9003/null", "9004/null"), changesOf("UPDATE accounts SET id = 9004 WHERE id = 9003"));
        changesOf("INSERT INTO devices (id, mac, uid, vendor, model) VALUES " +
                "(9103, '02:00:00:00:91:03', 'H2UID3', 'orbweb', 'ipcam')");
        assertEquals(List.of("null/9103", "null/9104"), changesOf("UPDATE devices SET id = 9104 WHERE id = 9103"));
    }
}
